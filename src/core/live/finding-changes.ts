import type { Finding, Subject } from '../report/types.js';
import { textOrder } from '../text-order.js';

/** A finding that appeared on a subject, or left it. */
export interface FindingChange {
  change: 'raised' | 'cleared';
  subject: Pick<Subject, 'kind' | 'namespace' | 'name'>;
  finding: Finding;
}

const keyOf = (s: Pick<Subject, 'kind' | 'namespace' | 'name'>) =>
  `${s.kind}/${s.namespace}/${s.name}`;

/**
 * The findings that appeared and cleared between two states of the same subjects, by subject
 * and code: a finding whose message changes (another mover joins VP001's list) is neither, and a
 * subject that is gone clears its findings. Raised first, then cleared, each in subject order.
 */
export function findFindingChanges(
  before: readonly Subject[],
  after: readonly Subject[],
): FindingChange[] {
  const codes = (subjects: readonly Subject[]) => {
    const out = new Map<string, { subject: Subject; byCode: Map<string, Finding> }>();
    for (const s of subjects)
      out.set(keyOf(s), { subject: s, byCode: new Map(s.findings.map((f) => [f.code, f])) });
    return out;
  };
  const was = codes(before);
  const now = codes(after);
  const raised: FindingChange[] = [];
  const cleared: FindingChange[] = [];
  for (const [key, { subject, byCode }] of now)
    for (const [code, finding] of byCode)
      if (!was.get(key)?.byCode.has(code)) raised.push({ change: 'raised', subject, finding });
  for (const [key, { subject, byCode }] of was)
    for (const [code, finding] of byCode)
      if (!now.get(key)?.byCode.has(code)) cleared.push({ change: 'cleared', subject, finding });
  const order = (a: FindingChange, b: FindingChange) =>
    textOrder(keyOf(a.subject), keyOf(b.subject)) || textOrder(a.finding.code, b.finding.code);
  return [...raised.sort(order), ...cleared.sort(order)];
}
