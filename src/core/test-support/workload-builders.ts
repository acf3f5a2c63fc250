import type { KubeObject } from '../k8s/object.js';

/** Builders for the workloads fix-job repairs as a whole (StatefulSet, Deployment) and their pods. */

interface WorkloadShape {
  replicas?: number;
  /** volumeClaimTemplates by name (a StatefulSet). */
  templates?: string[];
  /** Pod template volumes: name -> claimName. */
  claims?: Record<string, string>;
  runAsUser?: number;
  ordinalsStart?: number;
  labels?: Record<string, string>;
}

function workload(
  kind: 'StatefulSet' | 'Deployment',
  name: string,
  ns: string,
  s: WorkloadShape,
): KubeObject {
  const app = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: ns, ...(s.labels && { labels: s.labels }) },
    spec: {
      ...(s.replicas !== undefined && { replicas: s.replicas }),
      ...(s.ordinalsStart !== undefined && { ordinals: { start: s.ordinalsStart } }),
      selector: { matchLabels: app },
      template: {
        metadata: { labels: app },
        spec: {
          ...(s.runAsUser !== undefined && { securityContext: { runAsUser: s.runAsUser } }),
          containers: [{ name: 'app', image: 'postgres:17' }],
          volumes: Object.entries(s.claims ?? {}).map(([v, claimName]) => ({
            name: v,
            persistentVolumeClaim: { claimName },
          })),
        },
      },
      ...(s.templates && {
        volumeClaimTemplates: s.templates.map((t) => ({
          metadata: { name: t },
          spec: { accessModes: ['ReadWriteOnce'] },
        })),
      }),
    },
  };
}

export const statefulSet = (name: string, s: WorkloadShape = {}, ns = 'db') =>
  workload('StatefulSet', name, ns, s);

export const deploy = (name: string, s: WorkloadShape = {}, ns = 'db') =>
  workload('Deployment', name, ns, s);

export function claim(name: string, accessModes = ['ReadWriteOnce'], ns = 'db'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: ns },
    spec: { accessModes },
  };
}

/** A Pod of app `app` (its label) mounting `claimName` on `node`. */
export function appPod(
  name: string,
  app: string,
  claimName: string,
  o: { node?: string; phase?: string; ns?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'db', labels: { app } },
    spec: {
      nodeName: o.node ?? 'worker-1',
      volumes: [{ name: 'v', persistentVolumeClaim: { claimName } }],
    },
    status: { phase: o.phase ?? 'Running' },
  };
}

/** A HorizontalPodAutoscaler as the API serves it. */
export const autoscaler = (name: string, kind: string, target: string) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'db' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind, name: target }, maxReplicas: 3 },
});

/** A managedFields entry owning spec.replicas. */
export const replicasManager = (manager: string, operation: 'Apply' | 'Update') => ({
  manager,
  operation,
  apiVersion: 'apps/v1',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } },
});
