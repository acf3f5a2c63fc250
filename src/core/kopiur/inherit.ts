import { asStringMap, path } from '../k8s/json.js';
import { selects } from '../k8s/label-selector.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import { podTemplateOf, workloadKinds } from '../report/workloads.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { Rung } from './ladder.js';
import type { InheritForm } from './parse-kopiur.js';

/** What `inheritSecurityContextFrom` gave (the SecurityContextInherited reasons; kopiur.md §3.3). */
export type InheritOutcome =
  | { reason: 'InheritApplied'; pod: string; rung: Rung; predicted: boolean }
  | { reason: 'InheritPinnedNoUid'; pod: string; rung: Rung; predicted: boolean }
  | { reason: 'MissingDependency' | 'InheritFallback'; effect: string }
  | { reason: 'recorded'; effect: string };

const managedByKopiur = (o: KubeObject) =>
  o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kopiur';

const templateLabels = (o: KubeObject) =>
  asStringMap(
    o.kind === 'Pod' ? o.metadata.labels : path(o.spec, 'template', 'metadata', 'labels'),
  );

/**
 * kopiur prefers a Running pod, then orders by name (K:io/mover.rs). Offline there are no pods: a
 * workload's pod template stands for the pod it will run, said as a prediction.
 */
function pick(candidates: KubeObject[]): KubeObject | undefined {
  const rank = (o: KubeObject) =>
    o.kind === 'Pod' ? (path(o.status, 'phase') === 'Running' ? 0 : 1) : 2;
  return [...candidates].sort(
    (a, b) => rank(a) - rank(b) || a.metadata.name.localeCompare(b.metadata.name),
  )[0];
}

/**
 * The rung `inheritSecurityContextFrom` adds: the chosen container's securityContext and the pod's
 * spec.securityContext (kopiur.md §3.2). No pod, or one with neither: the run is held
 * (MissingDependency) unless the explicit context pins a runAsUser (InheritFallback). A pod with
 * no UID of its own gives nothing to inherit: the mover stays 65532 (InheritPinnedNoUid, §0 rule 9).
 */
export function resolveInheritance(
  form: InheritForm,
  ns: string,
  sourcePvcs: readonly string[],
  objects: readonly KubeObject[],
  index: SnapshotIndex,
  explicitPinsUid: boolean,
): InheritOutcome {
  if (form.form === 'snapshot')
    return {
      reason: 'recorded',
      effect:
        'the identity recorded on the backup (kopiur-meta, Snapshot.status.recorded) is not read: the UID, GID and fsGroup it would give are unknown',
    };
  const candidates =
    form.form === 'pvcConsumer'
      ? sourcePvcs.flatMap((c) => index.claimUsers(ns, c))
      : objects.filter(
          (o) =>
            workloadKinds[o.kind] !== undefined &&
            namespaceOf(o) === ns &&
            selects(form.podSelector, templateLabels(o)),
        );
  const chosen = pick(candidates.filter((o) => !managedByKopiur(o)));
  const held = (why: string): InheritOutcome =>
    explicitPinsUid
      ? {
          reason: 'InheritFallback',
          effect: `${why}; the explicit runAsUser is used (InheritFallback)`,
        }
      : { reason: 'MissingDependency', effect: `${why}: kopiur holds the run (MissingDependency)` };
  if (!chosen)
    return held(
      form.form === 'pvcConsumer'
        ? `no pod mounts ${sourcePvcs.join(', ') || 'the source PVC'} in ${ns}`
        : `no pod in ${ns} matches the podSelector`,
    );
  const ref = `${chosen.kind}/${ns}/${chosen.metadata.name}`;
  const spec = parsePodSpec(podTemplateOf(chosen), `${ref} pod spec`);
  const c =
    form.container === undefined
      ? spec.containers[0]
      : spec.containers.find((x) => x.name === form.container);
  if (!c && form.container !== undefined) return held(`${ref} has no container ${form.container}`);
  if (!c?.securityContext && !spec.securityContext)
    return held(`${ref} has no securityContext to inherit`);
  const rung: Rung = {
    name: 'inherited',
    from: `inherited from ${ref}${c ? ` container ${c.name}` : ''}`,
    ...(c?.securityContext && { securityContext: c.securityContext }),
    ...(spec.securityContext && { podSecurityContext: spec.securityContext }),
  };
  const predicted = chosen.kind !== 'Pod';
  const uid = c?.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
  return uid === undefined
    ? { reason: 'InheritPinnedNoUid', pod: ref, rung, predicted }
    : { reason: 'InheritApplied', pod: ref, rung, predicted };
}
