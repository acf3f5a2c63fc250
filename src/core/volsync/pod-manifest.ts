import { asStringMap, isObject, path } from '../k8s/json.js';
import type { BuiltPod } from './build-mover-pod.js';

/** The labels of a mover's pods: its template's, with a Job's job-name labels (build-mover-pod.ts). */
export function podLabels(built: BuiltPod): Record<string, string> {
  return asStringMap(path(built.template, 'metadata', 'labels'));
}

/**
 * The Pod VolSync would create for a mover, as Kubernetes JSON, for a server-side dry run: what the
 * API server admits or rejects (Pod Security, SCC, webhooks, policies) is then a fact, not a model.
 * It is the pod template VolSync writes (its volumes, labels and job-name labels included), so that
 * admission policies and webhooks selecting mover pods by label select the predicted pod too.
 */
export function podManifest(
  built: BuiltPod,
  namespace: string,
  labels: Record<string, string>,
): Record<string, unknown> {
  const spec = path(built.template, 'spec');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${built.workload.name.slice(0, 50)}-`,
      namespace,
      labels: { ...podLabels(built), ...labels },
    },
    spec: { restartPolicy: 'Never', ...(isObject(spec) && spec) },
  };
}
