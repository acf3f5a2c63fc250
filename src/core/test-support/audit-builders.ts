import type { AuditClass, AuditSummary } from '../storage/audit-summary.js';

/** A class of regular files, 0600, written at one time unless told otherwise. */
export function auditClass(
  o: Partial<AuditClass> & { uid: number; gid: number; count: number },
): AuditClass {
  const t = o.mtime?.min ?? 1795996825;
  return {
    type: 'f',
    perm: 0o600,
    bytes: o.count * 1024,
    mtime: { min: t, max: t },
    spans: [{ from: t, to: t, count: o.count, bytes: o.count * 1024 }],
    sample: 'p/x',
    ...o,
  };
}

/** An audit of a volume root owned by 1000:1000, walked as UID 0 with DAC_OVERRIDE. */
export function auditSummary(classes: AuditClass[], o: Partial<AuditSummary> = {}): AuditSummary {
  return {
    version: 1,
    root: { uid: 1000, gid: 1000, perm: 0o755 },
    filesystem: { type: 'nfs4', source: 'nas:/kopia', options: 'rw' },
    auditor: { uid: 0, gid: 0, groups: [0], capabilities: ['DAC_OVERRIDE'] },
    classes,
    folded: null,
    denied: [],
    deniedOmitted: 0,
    mounts: [],
    mountsOmitted: 0,
    totals: {
      entries: classes.reduce((a, c) => a + c.count, 0),
      bytes: classes.reduce((a, c) => a + c.bytes, 0),
    },
    startedAt: 1796029200,
    finishedAt: 1796029203,
    ...o,
  };
}
