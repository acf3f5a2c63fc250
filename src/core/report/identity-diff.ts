import type { Identity } from '../identity/identity.js';
import type { Report, Subject } from './types.js';

/** What a subject's containers run as, in the terms a change is judged by. */
export interface IdentitySummary {
  privileged: boolean | null;
  containers: { name: string; identity: Identity }[];
}

export interface IdentityChange {
  kind: string;
  namespace: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** Absent when added. */
  before?: IdentitySummary;
  /** Absent when removed. */
  after?: IdentitySummary;
}

const keyOf = (s: Subject) => `${s.namespace}/${s.kind}/${s.name}`;

export function summary(s: Subject): IdentitySummary {
  return {
    privileged: s.privileged,
    containers: s.containers.map((c) => ({ name: c.name, identity: c.identity })),
  };
}

/**
 * The subjects whose identity differs between two reports of the same sources (the pull-request
 * view of --diff-against): added, removed, or running with another UID, GID, groups, fsGroup or
 * capabilities, or another privileged verdict. Findings and traces are not compared: a change
 * that leaves every identity as it was changes nothing here. Sorted by namespace, kind, name.
 */
export function diffIdentities(before: Report, after: Report): IdentityChange[] {
  const old = new Map(before.subjects.map((s) => [keyOf(s), s]));
  const now = new Map(after.subjects.map((s) => [keyOf(s), s]));
  const out: IdentityChange[] = [];
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const b = old.get(key);
    const a = now.get(key);
    const s = (a ?? b) as Subject;
    const id = { kind: s.kind, namespace: s.namespace, name: s.name };
    if (!b && a) out.push({ ...id, change: 'added', after: summary(a) });
    else if (b && !a) out.push({ ...id, change: 'removed', before: summary(b) });
    else if (b && a && JSON.stringify(summary(b)) !== JSON.stringify(summary(a)))
      out.push({ ...id, change: 'changed', before: summary(b), after: summary(a) });
  }
  return out;
}
