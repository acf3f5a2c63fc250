import type { Volume } from '../k8s/types.js';
import type { BuiltPod } from './build-mover-pod.js';

/**
 * A volume source the API server accepts for a predicted pod. Only the type matters to admission
 * (Pod Security restricts types, not names), so names the model does not keep get placeholders.
 */
function volumeSource(v: Volume): Record<string, unknown> {
  switch (v.type) {
    case 'persistentVolumeClaim':
      return { persistentVolumeClaim: { claimName: v.claimName ?? 'volsync-dry-run' } };
    case 'nfs':
      return { nfs: v.nfs ?? { server: 'unknown', path: '/' } };
    case 'secret':
      return { secret: { secretName: 'volsync-dry-run' } };
    case 'hostPath':
      return { hostPath: { path: '/volsync-dry-run' } };
    default:
      return { [v.type]: {} };
  }
}

/**
 * The labels of a mover's pod: VolSync's template labels and, for a Job, those the job controller
 * adds; undefined when the template's are not known.
 */
export function podLabels(built: BuiltPod): Record<string, string> | undefined {
  if (built.labels === undefined) return undefined;
  return {
    ...built.labels,
    ...(built.workload.kind === 'Job' && {
      'batch.kubernetes.io/job-name': built.workload.name,
      'job-name': built.workload.name,
    }),
  };
}

/**
 * The Pod VolSync would create for a mover, as Kubernetes JSON, for a server-side dry run: what the
 * API server admits or rejects (Pod Security, SCC, webhooks, policies) is then a fact, not a model.
 * It carries VolSync's template labels and, for a Job, those the job controller adds, so that
 * admission policies and webhooks selecting mover pods by label select the predicted pod too.
 */
export function podManifest(
  built: BuiltPod,
  namespace: string,
  labels: Record<string, string>,
): Record<string, unknown> {
  const { pod } = built;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${built.workload.name.slice(0, 50)}-`,
      namespace,
      labels: { ...podLabels(built), ...labels },
    },
    spec: {
      restartPolicy: 'Never',
      ...(pod.serviceAccountName !== undefined && { serviceAccountName: pod.serviceAccountName }),
      ...(pod.securityContext && { securityContext: pod.securityContext }),
      containers: pod.containers.map((c) => ({
        name: c.name,
        image: c.image,
        ...(c.securityContext && { securityContext: c.securityContext }),
        ...(c.env && { env: c.env }),
        ...(c.volumeMounts && { volumeMounts: c.volumeMounts }),
      })),
      volumes: (pod.volumes ?? []).map((v) => ({ name: v.name, ...volumeSource(v) })),
    },
  };
}
