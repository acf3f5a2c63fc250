import { asString, path } from '../k8s/json.js';
import { parseLabelSelector, selects, type LabelSelector } from '../k8s/label-selector.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';

/**
 * The pods of a workload: those of its namespace its spec.selector selects (the template's labels
 * when a manifest omits it; an empty selector would select every pod of the namespace).
 */
export function selectorOf(w: KubeObject): LabelSelector {
  const s = parseLabelSelector(path(w.spec, 'selector'));
  const empty = s !== null && !s.matchLabels && !s.matchExpressions?.length;
  if (s !== null && !empty) return s;
  const labels = path(w.spec, 'template', 'metadata', 'labels');
  return { matchLabels: (labels ?? {}) as Record<string, string> };
}

/** The workload's pods that still run or may run: a Succeeded or Failed pod holds no volume. */
export function podsOf(w: KubeObject, objects: readonly KubeObject[]): KubeObject[] {
  const sel = selectorOf(w);
  const ns = namespaceOf(w);
  return objects.filter((o) => {
    if (o.kind !== 'Pod' || namespaceOf(o) !== ns) return false;
    const phase = asString(path(o.status, 'phase'));
    if (phase === 'Succeeded' || phase === 'Failed') return false;
    return selects(sel, o.metadata.labels ?? {});
  });
}

/**
 * Whether a workload scaled to 0 has stopped: its controller has seen the change
 * (status.observedGeneration reaches metadata.generation), counts no replica, and none of its pods
 * is left, terminating ones included (they still mount the claims). Else what it waits for.
 */
export function resolveStopped(
  raw: unknown,
  w: KubeObject,
  pods: readonly KubeObject[],
): { stopped: true } | { stopped: false; waitingFor: string } {
  const generation = path(raw, 'metadata', 'generation');
  const observed = path(raw, 'status', 'observedGeneration');
  if (typeof generation === 'number' && !(typeof observed === 'number' && observed >= generation))
    return {
      stopped: false,
      waitingFor: `the ${w.kind} controller to see the change (generation ${generation}, observed ${typeof observed === 'number' ? observed : 'none'})`,
    };
  const left = podsOf(w, pods).map((p) => p.metadata.name);
  if (left.length > 0)
    return { stopped: false, waitingFor: `its pods to be gone: ${left.sort().join(', ')}` };
  const replicas = path(raw, 'status', 'replicas');
  if (typeof replicas === 'number' && replicas > 0)
    return { stopped: false, waitingFor: `status.replicas ${replicas} to reach 0` };
  return { stopped: true };
}
