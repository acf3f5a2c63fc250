import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';
import type { NamespaceFacts } from '../volsync/privileged.js';

/** The Jobs kopiur runs for a subject (kopiur.md §1). */
export type KopiurJob =
  'backup' | 'restore' | 'maintenance' | 'verify' | 'replication' | 'bootstrap';

export const kopiurPrivilegedKey = 'kopiur.home-operations.com/privileged-movers';

/**
 * How the gate treats each Job: Snapshot and Restore set `MoverPermitted=False`; Maintenance
 * refuses the run and only logs it; the others are not gated (K43:snapshot.rs:870, restore.rs:681,
 * maintenance.rs:584; repository.rs:611 says the bootstrap Job is exempt).
 */
export const gateOf: Record<KopiurJob, 'condition' | 'log' | 'none'> = {
  backup: 'condition',
  restore: 'condition',
  maintenance: 'log',
  verify: 'none',
  replication: 'none',
  bootstrap: 'none',
};

/**
 * What makes a merged, post-invariant mover "elevated" (kopiur.md §4.1; K43:common.rs
 * security_context_is_elevated, pod_security_context_is_elevated, requires_privilege_resolved).
 * An fsGroup is not elevation.
 */
export function elevatedBy(
  sc: SecurityContext,
  psc: PodSecurityContext,
  privilegedMode: boolean | undefined,
): string[] {
  const why: string[] = [];
  if (privilegedMode === true) why.push('privilegedMode: true');
  if (sc.privileged === true) why.push('container privileged: true');
  if (sc.runAsUser === 0) why.push('container runAsUser: 0');
  if (sc.runAsNonRoot === false) why.push('container runAsNonRoot: false');
  if (sc.allowPrivilegeEscalation === true) why.push('container allowPrivilegeEscalation: true');
  if ((sc.capabilities?.add?.length ?? 0) > 0)
    why.push(`container capabilities.add [${sc.capabilities?.add?.join(', ')}]`);
  if (psc.runAsUser === 0) why.push('pod runAsUser: 0');
  if (psc.runAsNonRoot === false) why.push('pod runAsNonRoot: false');
  return why;
}

/** The gate's answer for one mover. */
export interface GateDecision {
  /** true: the Job runs; false: it is refused; null: not known (the Namespace is not in the input). */
  permitted: boolean | null;
  /** Whether the gate looked at the mover at all (it is elevated and its Job is gated). */
  applies: boolean;
  /** The annotation's value as written, when it is set but is not exactly `true`. */
  misspelled?: string;
  effect: string;
}

export const gateSource =
  'kopiur.md §4.1 (K43:crates/controller/src/io/mover.rs:290-308 namespace_allows_privileged_movers)';

/**
 * The privileged-mover gate, which never changes the pod (kopiur.md §0 rule 6): an elevated mover
 * of a gated Job runs only when its Namespace has the annotation exactly `true` (case-sensitive),
 * or when the operator cannot read Namespaces (403, a namespaced install: it allows).
 * `namespacesReadable` null means the install scope is not known: the cluster scope is assumed,
 * and the effect says so.
 */
export function decideGate(
  job: KopiurJob,
  elevated: readonly string[],
  ns: string,
  facts: NamespaceFacts | undefined,
  namespacesReadable: boolean | null,
): GateDecision {
  const mode = gateOf[job];
  if (elevated.length === 0)
    return { permitted: true, applies: false, effect: 'not elevated: the gate does not apply' };
  const what = elevated.join(', ');
  if (mode === 'none')
    return {
      permitted: true,
      applies: false,
      effect: `elevated (${what}), but kopiur does not gate the ${job} Job`,
    };
  if (namespacesReadable === false)
    return {
      permitted: true,
      applies: true,
      effect: `elevated (${what}); the operator cannot read Namespace ${ns} (403, a namespaced install), and kopiur then allows the mover`,
    };
  if (!facts)
    return {
      permitted: null,
      applies: true,
      effect: `elevated (${what}): unknown, Namespace ${ns} is not in the input (the run needs its annotation ${kopiurPrivilegedKey}: "true")`,
    };
  const v = facts.annotations[kopiurPrivilegedKey];
  if (v === 'true')
    return {
      permitted: true,
      applies: true,
      effect: `elevated (${what}); Namespace ${ns} has ${kopiurPrivilegedKey}: "true": permitted, and nothing in the pod changes`,
    };
  const refused =
    mode === 'condition'
      ? 'refused: MoverPermitted=False (PrivilegedMoverNotPermitted)'
      : 'refused: the maintenance run is skipped, only the operator log says why';
  const assumed =
    namespacesReadable === null
      ? ' (on a cluster-scoped install; a namespaced one cannot read Namespaces and allows it)'
      : '';
  return {
    permitted: false,
    applies: true,
    ...(v !== undefined && { misspelled: v }),
    effect:
      v === undefined
        ? `elevated (${what}); Namespace ${ns} lacks ${kopiurPrivilegedKey}: ${refused}${assumed}`
        : `elevated (${what}); Namespace ${ns} has ${kopiurPrivilegedKey}: ${JSON.stringify(v)}, and kopiur accepts exactly "true": ${refused}${assumed}`,
  };
}

/**
 * The gate for a mover whose UID a rung the input cannot read may set (a Restore's recorded
 * identity): elevated only if that UID is 0, so refused only then; an allowing Namespace or
 * install permits it either way.
 */
export function decideGateIfRecordedRoot(
  job: KopiurJob,
  ns: string,
  facts: NamespaceFacts | undefined,
  namespacesReadable: boolean | null,
): GateDecision {
  const ifRoot = decideGate(job, ['a recorded runAsUser: 0'], ns, facts, namespacesReadable);
  return ifRoot.permitted === true
    ? {
        permitted: true,
        applies: false,
        effect: `permitted whatever UID is recorded: ${ifRoot.effect}`,
      }
    : {
        permitted: null,
        applies: true,
        effect: `unknown: refused only if the recorded UID is 0 (${ifRoot.effect})`,
      };
}
