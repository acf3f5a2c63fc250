import { path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';

/** Kinds that carry a pod template, and where it is (effective-uid TYPE/NAME). */
export const workloadKinds: Record<string, string[]> = {
  Pod: ['spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
};

export function podTemplateOf(o: KubeObject): unknown {
  const p = workloadKinds[o.kind];
  return p === undefined ? undefined : path(o, ...p);
}
