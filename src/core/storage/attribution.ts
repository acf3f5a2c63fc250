import type { AuditClass } from './audit-summary.js';
import type { MoverRun } from './mover-runs.js';
import type { StorageSubject } from './forecast.js';

/** Files of one owner that the owner the volume should have does not explain. */
export interface OwnerCluster {
  uid: number;
  gid: number;
  count: number;
  bytes: number;
  /** When they were written: the classes' mtime spans, merged. */
  spans: { from: number; to: number; count: number }[];
}

/** A subject whose run covers a cluster's writes. */
export interface Writer {
  ref: string;
  runs: MoverRun[];
  /** It writes there as exactly that owner (`yes`), or only under a squash mode (`if ...`). */
  matches: string;
  /** Its privileged verdict now, as the report resolves it. */
  privileged: boolean | null;
}

export interface Attribution {
  cluster: OwnerCluster;
  /** Subjects that ran then and write as that owner. */
  writers: Writer[];
  /** Subjects that ran then as another identity. */
  alsoRunning: string[];
}

export interface RunningSubject extends StorageSubject {
  runs: MoverRun[];
  privileged: boolean | null;
}

/** A file's mtime may trail its writer's recorded start or end by a little (clock skew, buffering). */
export const slackSeconds = 120;

/** The owners of the classes other than `expected`, with their mtime spans merged. */
export function findOwnerClusters(
  classes: readonly AuditClass[],
  expected: { uid: number; gid: number } | null,
): OwnerCluster[] {
  const by = new Map<string, OwnerCluster>();
  for (const c of classes) {
    if (c.type !== 'f' && c.type !== 'd') continue;
    if (expected && c.uid === expected.uid && c.gid === expected.gid) continue;
    const k = `${c.uid}:${c.gid}`;
    const o = by.get(k) ?? { uid: c.uid, gid: c.gid, count: 0, bytes: 0, spans: [] };
    o.count += c.count;
    o.bytes += c.bytes;
    o.spans.push(...c.spans.map((s) => ({ from: s.from, to: s.to, count: s.count })));
    by.set(k, o);
  }
  for (const o of by.values()) o.spans = mergeSpans(o.spans);
  return [...by.values()].sort((a, b) => b.count - a.count || a.uid - b.uid || a.gid - b.gid);
}

function mergeSpans(spans: OwnerCluster['spans']): OwnerCluster['spans'] {
  const out: OwnerCluster['spans'] = [];
  for (const s of [...spans].sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to + slackSeconds) {
      last.to = Math.max(last.to, s.to);
      last.count += s.count;
    } else out.push({ ...s });
  }
  return out;
}

const overlaps = (r: MoverRun, s: { from: number; to: number }, now: number) =>
  r.from - slackSeconds <= s.to && (r.to ?? now) + slackSeconds >= s.from;

/**
 * Matches each cluster of unexpectedly owned files to the runs that wrote them: a subject whose
 * recorded run overlaps the files' mtimes and whose identity on the storage is that owner (under
 * the export's squash mode, or under one of the modes it may have).
 */
export function resolveAttribution(
  clusters: readonly OwnerCluster[],
  subjects: readonly RunningSubject[],
  now: number,
): Attribution[] {
  return clusters.map((cluster) => {
    const writers: Writer[] = [];
    const alsoRunning: string[] = [];
    for (const s of subjects) {
      const runs = s.runs.filter((r) => cluster.spans.some((sp) => overlaps(r, sp, now)));
      if (runs.length === 0) continue;
      const as = s.actors.filter((a) => a.actor.uid === cluster.uid && a.actor.gid === cluster.gid);
      if (as.length === 0) {
        alsoRunning.push(s.ref);
        continue;
      }
      const matches =
        as.length === s.actors.length ? 'yes' : `if ${as.map((a) => a.assumes ?? '').join(' or ')}`;
      writers.push({ ref: s.ref, runs, matches, privileged: s.privileged });
    }
    return { cluster, writers, alsoRunning };
  });
}
