import type { Unknown } from '../identity/unknown.js';
import type { Snapshot } from '../snapshot.js';
import { indexSnapshot } from '../snapshot-index.js';
import {
  resolveVolumeTarget,
  describeVolume,
  type VolumeRequest,
  type VolumeTarget,
} from '../plans/volume-target.js';
import {
  findOwnerClusters,
  resolveAttribution,
  type Attribution,
  type RunningSubject,
} from '../storage/attribution.js';
import type { AuditSummary } from '../storage/audit-summary.js';
import { resolveForecast, type SubjectForecast } from '../storage/forecast.js';
import type { SquashMode } from '../storage/nfs-squash.js';
import { resolveProbedSquash } from '../storage/probe-squash.js';
import { resolveTargetStorage } from '../storage/target-storage.js';
import { resolveAllMovers } from './resolve-report.js';
import { findStorageSubjects } from './storage-subjects.js';
import { subjectContext } from './subjects.js';

/** `audit`: what is on a volume, who can read and write it next, and which runs wrote what. */
export interface AuditReport {
  apiVersion: 'volsync-perms/v1';
  kind: 'AuditReport';
  target: { purpose: string; namespace: string; volume: string; storage: string };
  /** Where the summary comes from: the Job's log, or a file (--from-log). */
  source: string;
  summary: AuditSummary;
  /** The owner the files should have: the securityContext of the volume's user, else the most common. */
  expected: { uid: number; gid: number; from: string } | null;
  /** The NFS export's squashing, and how it is known; undefined when the volume is not NFS. */
  squash?: { mode: SquashMode | null; anon?: string; from: string };
  forecast: SubjectForecast[];
  attribution: Attribution[];
  unknowns: Unknown[];
}

function expectedOwner(t: VolumeTarget, s: AuditSummary): AuditReport['expected'] {
  const i = t.intended;
  if (i?.uid !== undefined && i.gid !== undefined)
    return { uid: i.uid, gid: i.gid, from: `${i.field} runAsUser, ${i.gidFrom ?? 'runAsGroup'}` };
  const by = new Map<string, number>();
  for (const c of s.classes)
    if (c.type === 'f') by.set(`${c.uid}:${c.gid}`, (by.get(`${c.uid}:${c.gid}`) ?? 0) + c.count);
  const top = [...by].sort((a, b) => b[1] - a[1])[0];
  if (!top) return null;
  const [uid, gid] = top[0].split(':').map(Number) as [number, number];
  return { uid, gid, from: 'the owner of most files (no runAsUser and runAsGroup say otherwise)' };
}

/**
 * Assembles the audit of a volume: the summary the Job printed, the access forecast of every
 * subject that mounts the same storage (movers of every namespace, KopiaMaintenance, the app),
 * and the clusters of unexpectedly owned files matched to the runs that wrote them (a run still in
 * progress ends, for that, when the audit started).
 */
export function resolveAuditReport(
  snapshot: Snapshot,
  request: VolumeRequest,
  summary: AuditSummary,
  source: string,
): AuditReport {
  const index = indexSnapshot(snapshot);
  const t = resolveVolumeTarget(index, request);
  const { storage, exports } = resolveTargetStorage(snapshot, index, t.namespace, t.volume, {
    summary,
    purpose: t.purpose,
  });
  const probe = resolveProbedSquash(summary);
  const ctx = subjectContext({
    ...snapshot,
    storage: { audits: snapshot.storage?.audits ?? [], exports },
  });
  const subjects: RunningSubject[] = findStorageSubjects(ctx, resolveAllMovers(ctx), storage.key);
  const forecast = resolveForecast(subjects, summary.classes);
  const expected = expectedOwner(t, summary);
  const attribution = resolveAttribution(
    findOwnerClusters(summary.classes, expected),
    subjects,
    summary.startedAt,
  );
  const unknowns: Unknown[] = [];
  const nfs = storage.nfs;
  const squash = nfs && {
    mode: nfs.squash?.mode ?? null,
    ...(nfs.squash &&
      nfs.squash.mode !== 'no_root_squash' && {
        anon: `${nfs.squash.anonUid}:${nfs.squash.anonGid}`,
      }),
    from: nfs.squashFrom,
  };
  const deps = [...new Set(forecast.flatMap((f) => f.unknown.dependsOn))];
  if (deps.length > 0)
    unknowns.push({
      what: `what ${forecast
        .filter((f) => f.unknown.count > 0)
        .map((f) => f.subject.ref)
        .join(', ')} can read and write there`,
      reason: `it depends on ${deps.join(' and ')}`,
      dependsOn: deps.includes("the NFS export's squash mode")
        ? `--nfs-squash ${nfs?.server ?? 'SERVER'}:${nfs?.path ?? '/PATH'}=MODE, or audit --probe`
        : 'capabilities.drop: [ALL] on the container',
    });
  if (summary.denied.length + summary.deniedOmitted > 0)
    unknowns.push({
      what: `the files under ${summary.denied.length + summary.deniedOmitted} directories the audit could not read`,
      reason: `the audit ran as ${summary.auditor.uid}:${summary.auditor.gid} with ${summary.auditor.capabilities.join(',') || 'no capabilities'}`,
      dependsOn:
        'an audit that can read them (the default: UID 0 with DAC_OVERRIDE, on storage that does not squash root)',
    });
  if (probe && !probe.squash)
    unknowns.push({
      what: 'the squash mode of the export',
      reason: probe.evidence,
      dependsOn: `--nfs-squash ${nfs?.server ?? 'SERVER'}:${nfs?.path ?? '/PATH'}=MODE`,
    });
  return {
    apiVersion: 'volsync-perms/v1',
    kind: 'AuditReport',
    target: {
      purpose: t.purpose,
      namespace: t.namespace,
      volume: describeVolume(t.volume),
      storage: storage.key,
    },
    source,
    summary,
    expected,
    ...(squash && { squash }),
    forecast,
    attribution,
    unknowns,
  };
}
