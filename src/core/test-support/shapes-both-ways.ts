import { resolveAllMovers } from '../report/resolve-report.js';
import { subjectContext } from '../report/subjects.js';
import type { Snapshot } from '../snapshot.js';

/**
 * Every mover of the snapshot resolved with the shape memo (report/mover-shapes.ts) and each on
 * its own, and how many shapes the memo filled in.
 */
export function resolvedBothWays(snapshot: Snapshot) {
  const memo = subjectContext(snapshot);
  const withMemo = resolveAllMovers(memo);
  const direct = resolveAllMovers({ ...subjectContext(snapshot), shapes: undefined });
  const filled = [...(memo.shapes?.fills.values() ?? [])].filter((f) => f !== 'met once');
  return { withMemo, direct, shapes: filled.length };
}
