/**
 * The summary an audit Job prints (audit-walk.pl), as plain data. The log carries one record per
 * line, `vpaudit1 <JSON>`, between a `start` and an `end` record; every other line (progress on
 * stderr, anything a runtime adds) is ignored. Sizes are bounded whatever the volume holds: at most
 * {@link auditLimits}.classes classes (the rest folded into one count), spans per class, denied
 * subtrees and nested mounts.
 */
export const auditLogPrefix = 'vpaudit1 ';

export const auditLimits = { classes: 256, spansPerClass: 16, denied: 50, mounts: 50 } as const;

/** f regular file, d directory, l symlink, o anything else (fifo, socket, device). */
export type FileType = 'f' | 'd' | 'l' | 'o';

/** Files of one owner, group, type and permission bits (07777: setuid, setgid, sticky included). */
export interface AuditClass {
  type: FileType;
  uid: number;
  gid: number;
  perm: number;
  count: number;
  /** Apparent size (st_size); a file with several hard links counts once. */
  bytes: number;
  /** Modification times, seconds since the epoch (UTC). */
  mtime: { min: number; max: number };
  /** Clusters of modification times (gaps over 5 minutes split them), at most spansPerClass. */
  spans: MtimeSpan[];
  /** One path of the class, relative to the volume root. */
  sample: string;
}

export interface MtimeSpan {
  from: number;
  to: number;
  count: number;
  bytes: number;
}

/** A directory the walk could not list or enter, with its own owner and mode. */
export interface DeniedSubtree {
  path: string;
  /** errno name, e.g. EACCES; `search` when listed but its entries could not be stat'ed. */
  errno: string;
  message: string;
  uid: number | null;
  gid: number | null;
  perm: number | null;
}

/** A filesystem mounted inside the volume: the walk does not enter it. */
export interface NestedMount {
  path: string;
  fstype: string | null;
}

/** The one write `audit --probe` makes: a file created in the volume root, stat'ed and removed. */
export interface ProbeAttempt {
  /** The credential the probe asked for. */
  uid: number;
  gid: number;
  created: boolean;
  /** The owner the filesystem gave the file (after any NFS squashing). */
  observedUid?: number;
  observedGid?: number;
  /** errno name when it could not create it (EACCES, EROFS, EPERM, ...). */
  errno?: string;
}

export interface AuditSummary {
  version: 1;
  /** The volume root as mounted in the Job. */
  root: { uid: number; gid: number; perm: number };
  /** From /proc/self/mountinfo: e.g. nfs4, nas:/export, and the mount options. */
  filesystem: { type: string; source: string; options: string } | null;
  /** Who walked: the Job's credential and effective capabilities. */
  auditor: { uid: number; gid: number; groups: number[]; capabilities: string[] };
  classes: AuditClass[];
  /** What did not fit in the classes (more than auditLimits.classes distinct ones). */
  folded: { classes: number; count: number; bytes: number } | null;
  denied: DeniedSubtree[];
  deniedOmitted: number;
  mounts: NestedMount[];
  mountsOmitted: number;
  totals: { entries: number; bytes: number };
  /** Seconds since the epoch. */
  startedAt: number;
  finishedAt: number;
  /** Only with --probe: as UID 0, then as the owner of the volume root (when that is not 0). */
  probe?: ProbeAttempt[];
}
