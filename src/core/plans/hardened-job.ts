import type { Placement } from './fix-target.js';
import type { FixVolume } from './volume-target.js';

/** The one container of one of the tool's Jobs, and the volume it works on at /volume. */
export interface HardenedJob {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  purpose: string;
  deadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  placement: Placement;
  container: {
    name: string;
    image: string;
    command: string[];
    env: { name: string; value: string }[];
    runAsUser: number;
    runAsGroup: number;
    /** Added after drop ALL; none for a non-root identity. */
    capabilities: readonly string[];
    memoryLimit: string;
  };
  volume: FixVolume;
  /** Mount it read-only: the mount, and the volume source too where `source` is asked. */
  readOnly: 'no' | 'mount' | 'mount-and-source';
}

export const jobMountPath = '/volume';

/**
 * A Job of the tool's (the repair, its count twin, the audit): one attempt within a deadline,
 * removed after a while, no ServiceAccount token, no service links, RuntimeDefault seccomp,
 * runAsNonRoot for a non-root identity, no privilege escalation, a read-only root filesystem,
 * drop ALL plus exactly the capabilities it needs, and the one volume at /volume.
 */
export function planHardenedJob(j: HardenedJob): Record<string, unknown> {
  const c = j.container;
  const src = j.readOnly === 'mount-and-source' ? { readOnly: true } : {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: j.name,
      namespace: j.namespace,
      labels: j.labels,
      annotations: { 'volsync-perms.io/purpose': j.purpose },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: j.deadlineSeconds,
      ttlSecondsAfterFinished: j.ttlSecondsAfterFinished,
      template: {
        metadata: { labels: j.labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            seccompProfile: { type: 'RuntimeDefault' },
            ...(c.runAsUser !== 0 && { runAsNonRoot: true }),
          },
          ...(j.placement.kind === 'node' && { affinity: nodeAffinity(j.placement.node) }),
          containers: [
            {
              name: c.name,
              image: c.image,
              command: c.command,
              env: c.env,
              securityContext: {
                runAsUser: c.runAsUser,
                runAsGroup: c.runAsGroup,
                privileged: false,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: {
                  drop: ['ALL'],
                  ...(c.capabilities.length > 0 && { add: [...c.capabilities] }),
                },
              },
              resources: {
                requests: { cpu: '50m', memory: '64Mi' },
                limits: { memory: c.memoryLimit },
              },
              volumeMounts: [
                {
                  name: 'volume',
                  mountPath: jobMountPath,
                  ...(j.readOnly !== 'no' && { readOnly: true }),
                },
              ],
            },
          ],
          volumes: [
            {
              name: 'volume',
              ...(j.volume.type === 'nfs'
                ? { nfs: { server: j.volume.server, path: j.volume.path, ...src } }
                : { persistentVolumeClaim: { claimName: j.volume.claimName, ...src } }),
            },
          ],
        },
      },
    },
  };
}

/** Pins a Job's pod to the node that already mounts a ReadWriteOnce claim. */
export function nodeAffinity(node: string) {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] },
        ],
      },
    },
  };
}
