import type { AuditSummary } from './audit-summary.js';
import type { NfsExportFacts } from './nfs-exports.js';

/** An audit of one volume, as run (audit --run) or read back (--from-log). */
export interface RecordedAudit {
  /** The storage key of the volume audited (`NFS server:/path`, `PVC ns/claim`). */
  key: string;
  /** What was audited, e.g. `repository volume of ReplicationSource default/bookstack`. */
  target: string;
  summary: AuditSummary;
  /** Where the summary comes from: the Job's log, or a file. */
  source: string;
}

/** What a source knows of the storage behind volumes: NFS exports' squash modes, audits. */
export interface StorageFacts {
  exports: NfsExportFacts[];
  audits: RecordedAudit[];
}
