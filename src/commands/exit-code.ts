import { severityRank, type Report, type Severity } from '../core/report/types.js';
import type { GlobalArgs } from './global-options.js';

/** 0, or 1 with --exit-code when a finding is at or above --fail-on (DESIGN.md §4). */
export function exitCodeFor(report: Report, a: GlobalArgs): number {
  if (!a['exit-code']) return 0;
  const min = severityRank[a['fail-on'] as Severity];
  return report.subjects.some((s) => s.findings.some((f) => severityRank[f.severity] >= min))
    ? 1
    : 0;
}
