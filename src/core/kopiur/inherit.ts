import { asStringMap, path } from '../k8s/json.js';
import { selects } from '../k8s/label-selector.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import type { Container, PodSpec } from '../k8s/types.js';
import { podTemplateOf, workloadKinds } from '../report/workloads.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { Rung } from './ladder.js';
import { moverNonrootId } from './hardened.js';
import type { InheritForm } from './parse-kopiur.js';
import type { RecordedIdentity, RecordedSource } from './recorded.js';
import { textOrder } from '../text-order.js';

/** What `inheritSecurityContextFrom` gave (the SecurityContextInherited reasons; kopiur.md §3.3). */
export type InheritOutcome =
  | { reason: 'InheritApplied'; pod: string; rung: Rung; predicted: boolean }
  | { reason: 'InheritPinnedNoUid'; pod: string; rung: Rung; predicted: boolean }
  | { reason: 'RecordedApplied' | 'RecordedPinnedNoUid'; snapshot: string; src: string; rung: Rung }
  | {
      reason: 'MissingDependency' | 'MissingRecordedIdentity' | 'InheritFallback';
      effect: string;
    }
  /** The input cannot say what it gives: the fields it may set are unknown unless a higher rung pins them. */
  | { reason: 'unknown'; effect: string };

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
    (a, b) => rank(a) - rank(b) || textOrder(a.metadata.name, b.metadata.name),
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
  recorded: RecordedSource | undefined,
): InheritOutcome {
  const held = (
    why: string,
    reason: 'MissingDependency' | 'MissingRecordedIdentity',
  ): InheritOutcome =>
    explicitPinsUid
      ? {
          reason: 'InheritFallback',
          effect: `${why}; the explicit runAsUser is used (InheritFallback)`,
        }
      : { reason, effect: `${why}: kopiur holds the run (${reason})` };
  if (form.form === 'snapshot') {
    if (!recorded || recorded.found === 'unknown')
      return { reason: 'unknown', effect: recorded?.why ?? 'not a Restore: nothing is recorded' };
    if (recorded.found === 'none') return held(recorded.why, 'MissingRecordedIdentity');
    return fromRecorded(recorded.snapshot, recorded.recorded);
  }
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
  if (!chosen)
    return held(
      form.form === 'pvcConsumer'
        ? `no pod mounts ${sourcePvcs.join(', ') || 'the source PVC'} in ${ns}`
        : `no pod in ${ns} matches the podSelector`,
      'MissingDependency',
    );
  const ref = `${chosen.kind}/${ns}/${chosen.metadata.name}`;
  const spec = parsePodSpec(podTemplateOf(chosen), `${ref} pod spec`);
  const c =
    form.container !== undefined
      ? spec.containers.find((x) => x.name === form.container)
      : (claimMounter(spec, form.form === 'pvcConsumer' ? sourcePvcs[0] : undefined) ??
        spec.containers[0]);
  if (!c && form.container !== undefined)
    return held(`${ref} has no container ${form.container}`, 'MissingDependency');
  if (!c?.securityContext && !spec.securityContext)
    return held(`${ref} has no securityContext to inherit`, 'MissingDependency');
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

/**
 * For pvcConsumer without a container name, the one container that mounts the source claim,
 * not the first: on a sidecar-injected pod the first is the proxy (istio-proxy, UID 1337), not
 * the app that wrote the data (K:crates/controller/src/io/mover.rs extract_inherited_contexts).
 */
function claimMounter(spec: PodSpec, claim: string | undefined): Container | undefined {
  if (claim === undefined) return undefined;
  const volumes = new Set(
    (spec.volumes ?? []).filter((v) => v.claimName === claim).map((v) => v.name),
  );
  const mounting = spec.containers.filter((c) =>
    (c.volumeMounts ?? []).some((m) => volumes.has(m.name)),
  );
  return mounting.length === 1 ? mounting[0] : undefined;
}

/**
 * The rung a recorded identity gives a Restore: uid and gid on the container, fsGroup on the pod,
 * above moverDefaults, as kopiur synthesizes it (K:crates/controller/src/io/mover.rs
 * resolved_from_recorded). Nothing beyond the hardened baseline (no uid, no gid, fsGroup absent or
 * 65532) is a no-op kopiur reports as RecordedPinnedNoUid.
 */
function fromRecorded(snapshot: string, r: RecordedIdentity): InheritOutcome {
  const rung: Rung = {
    name: 'inherited',
    from: `recorded on ${snapshot} (kopiur-meta, src ${r.src})`,
    securityContext: {
      ...(r.uid !== undefined && { runAsUser: r.uid }),
      ...(r.gid !== undefined && { runAsGroup: r.gid }),
    },
    podSecurityContext: { ...(r.fsGroup !== undefined && { fsGroup: r.fsGroup }) },
  };
  const baseline =
    r.uid === undefined &&
    r.gid === undefined &&
    (r.fsGroup === undefined || r.fsGroup === moverNonrootId);
  return {
    reason: baseline ? 'RecordedPinnedNoUid' : 'RecordedApplied',
    snapshot,
    src: r.src,
    rung,
  };
}
