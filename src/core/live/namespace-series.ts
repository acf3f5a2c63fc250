import type { Subject } from '../report/types.js';

/** One series of a metric: its labels and value. */
export interface Series {
  labels: Record<string, string>;
  value: number;
}

/** The series of one namespace's subjects, replaced together when the namespace changes. */
export interface NamespaceSeries {
  /** `volsync_perms_mover_info`: one per container of a subject, value 1. */
  movers: Series[];
  /** `volsync_perms_findings`: subjects with each finding code, by severity. */
  findings: Series[];
  /** `volsync_perms_mover_drift`: 1 per subject whose running pod or created workload is not the prediction. */
  drift: Series[];
}

/** The findings that compare what runs with what was predicted (README "Findings"). */
const driftCodes = new Set(['VP016', 'VP025']);

const known = (v: number | boolean | null): string => (v === null ? 'unknown' : String(v));

/**
 * The series of a namespace's subjects. Labels are bounded by what the cluster holds: one info
 * series per mover container, one findings series per code and severity present, one drift
 * series per drifting subject and code; identities that cannot be known are `unknown`.
 */
export function resolveNamespaceSeries(subjects: readonly Subject[]): NamespaceSeries {
  const movers: Series[] = [];
  const findings = new Map<string, Series>();
  const drift: Series[] = [];
  for (const s of subjects) {
    const of = { namespace: s.namespace, kind: s.kind, name: s.name };
    for (const c of s.containers)
      movers.push({
        labels: {
          ...of,
          container: c.name,
          mover: s.mover ?? 'none',
          privileged: known(s.privileged),
          uid: known(c.identity.uid),
          gid: known(c.identity.gid),
          decided_by: c.uidDecidedBy ?? 'unknown',
        },
        value: 1,
      });
    for (const code of new Set(s.findings.map((f) => `${f.code} ${f.severity}`))) {
      const [name = '', severity = ''] = code.split(' ');
      const series = findings.get(code);
      if (series) series.value++;
      else
        findings.set(code, { labels: { namespace: s.namespace, code: name, severity }, value: 1 });
    }
    for (const code of new Set(s.findings.map((f) => f.code)))
      if (driftCodes.has(code)) drift.push({ labels: { ...of, code }, value: 1 });
  }
  return { movers, findings: [...findings.values()], drift };
}
