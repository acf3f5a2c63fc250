import { asArray, asString, path } from '../k8s/json.js';

/** How a Job stands: its terminal condition (Complete or Failed), else still running. */
export function jobState(job: unknown): {
  phase: 'running' | 'succeeded' | 'failed';
  reason: string;
} {
  for (const c of asArray(path(job, 'status', 'conditions'))) {
    if (asString(path(c, 'status')) !== 'True') continue;
    const type = asString(path(c, 'type'));
    const reason = asString(path(c, 'reason')) ?? type ?? '';
    if (type === 'Complete') return { phase: 'succeeded', reason };
    if (type === 'Failed') return { phase: 'failed', reason };
  }
  return { phase: 'running', reason: '' };
}

export interface FixSummary {
  scanned: number;
  changed: number;
  failed: number;
  skippedMounts: number;
  /** `uid:gid mode` of the volume root after the run. */
  root: string;
}

/** The counts the repair script prints last (fix-ownership.sh), or undefined if it never got there. */
export function parseFixSummary(log: string): FixSummary | undefined {
  const m =
    /^summary: scanned=(\d+) (?:changed|would-change)=(\d+) failed=(\d+) skipped-mounts=(\d+)$/m.exec(
      log,
    );
  const root = /^root: (.+)$/m.exec(log);
  if (!m || !root) return undefined;
  return {
    scanned: Number(m[1]),
    changed: Number(m[2]),
    failed: Number(m[3]),
    skippedMounts: Number(m[4]),
    root: root[1] ?? '',
  };
}
