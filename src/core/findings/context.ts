import type { Identity } from '../identity/identity.js';
import type { ResolvedSubject, SubjectContext } from '../report/subjects.js';
import type { Finding } from '../report/types.js';
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

export const subjectRef = (s: ResolvedSubject) =>
  `${s.subject.kind}/${s.subject.namespace}/${s.subject.name}`;

export const fmtId = (n: number | null) => (n === null ? '?' : String(n));

export function uidGid(i: Identity): string {
  return `${fmtId(i.uid)}:${fmtId(i.gid)}`;
}
