import type { Identity } from '../identity/identity.js';
import type { ResolvedSubject, SubjectContext } from '../report/subjects.js';
import type { KubeObject } from '../k8s/object.js';
import type { Finding } from '../report/types.js';
import { moverRules } from '../volsync/movers.js';
import { privilegedMoversKey } from '../volsync/privileged.js';
import { findingCodes } from './catalogue.js';

export interface FindingContext extends SubjectContext {
  /** Every mover and KopiaMaintenance of the snapshot: repository sharing crosses namespaces. */
  subjects: ResolvedSubject[];
}

/** A finding and the subjects it is reported on. */
export interface Emission {
  to: ResolvedSubject[];
  finding: Finding;
}

export function emit(
  code: string,
  to: ResolvedSubject[],
  f: Omit<Finding, 'code' | 'severity'> & { severity?: Finding['severity'] },
): Emission {
  const severity = f.severity ?? findingCodes[code]?.severity ?? 'warning';
  return { to, finding: { ...f, code, severity } };
}

type Location = Pick<Finding, 'origin' | 'field'>;

/** A field of an object, located where it is written: a patch that adds it, else the object's manifest. */
export function at(o: KubeObject | undefined, ...field: (string | number)[]): Location {
  const elsewhere = o?.fieldOrigins?.find((f) => f.field.every((part, i) => field[i] === part));
  if (elsewhere) return { origin: elsewhere.origin };
  return o?.origin ? { origin: o.origin, field } : {};
}

/** Where a subject's own identity is written: moverSecurityContext, or KopiaMaintenance podSecurityContext. */
export function identityAt(s: ResolvedSubject, leaf?: string): Location {
  const tail = leaf === undefined ? [] : [leaf];
  if (s.mover)
    return at(s.object, 'spec', moverRules[s.mover.mover].specKey, 'moverSecurityContext', ...tail);
  if (s.maintenance) return at(s.object, 'spec', 'podSecurityContext', ...tail);
  if (s.kopiur) return at(s.object, 'spec', 'mover', ...tail);
  return {};
}

/** Where the privileged-movers annotation of a namespace is (or would be) written. */
export function annotationAt(ctx: FindingContext, ns: string): Location {
  return at(ctx.index.get('Namespace', ns, ns), 'metadata', 'annotations', privilegedMoversKey);
}

export const subjectRef = (s: ResolvedSubject) =>
  `${s.subject.kind}/${s.subject.namespace}/${s.subject.name}`;

const shortKinds: Record<string, string> = {
  ReplicationSource: 'rs',
  ReplicationDestination: 'rd',
  KopiaMaintenance: 'kopiamaintenance',
};

/** The subject as a fix's command takes it: `rs/bookstack`, `kopiamaintenance/daily`. */
export const subjectArg = (s: ResolvedSubject) =>
  `${shortKinds[s.subject.kind] ?? s.subject.kind.toLowerCase()}/${s.subject.name}`;

export const fmtId = (n: number | null) => (n === null ? '?' : String(n));

export function uidGid(i: Identity): string {
  return `${fmtId(i.uid)}:${fmtId(i.gid)}`;
}
