import { asArray, asString, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import { parseGoDuration, parseTimestamp } from '../k8s/time.js';

/** A period a mover ran, in seconds since the epoch; `to` null = still running when read. */
export interface MoverRun {
  from: number;
  to: number | null;
  /** Where it is known from. */
  source: string;
}

/**
 * The runs a ReplicationSource/Destination's status still records (the last completed sync:
 * lastSyncTime minus lastSyncDuration; a sync in progress since lastSyncStartTime), and those of
 * its Jobs and pods still on the cluster (status.startTime, completionTime, container
 * terminated times). VolSync keeps no older history.
 */
export function resolveMoverRuns(mover: KubeObject, workloads: readonly KubeObject[]): MoverRun[] {
  const runs: MoverRun[] = [];
  const status = mover.status;
  const end = parseTimestamp(asString(path(status, 'lastSyncTime')));
  const duration = parseGoDuration(asString(path(status, 'lastSyncDuration')));
  const started = parseTimestamp(asString(path(status, 'lastSyncStartTime')));
  if (end !== undefined && duration !== undefined)
    runs.push({ from: end - duration, to: end, source: 'status.lastSyncTime - lastSyncDuration' });
  else if (end !== undefined)
    runs.push({
      from: started !== undefined && started <= end ? started : end,
      to: end,
      source: 'status.lastSyncTime',
    });
  if (started !== undefined && (end === undefined || started > end))
    runs.push({ from: started, to: null, source: 'status.lastSyncStartTime (in progress)' });
  for (const w of workloads) {
    const ref = `${w.kind}/${w.metadata.name}`;
    const from = parseTimestamp(asString(path(w.status, 'startTime')));
    if (from === undefined) continue;
    const to =
      parseTimestamp(asString(path(w.status, 'completionTime'))) ??
      lastFinish(w) ??
      (['Succeeded', 'Failed'].includes(asString(path(w.status, 'phase')) ?? '') ? from : null);
    runs.push({ from, to, source: ref });
  }
  return runs.sort((a, b) => a.from - b.from);
}

function lastFinish(pod: KubeObject): number | undefined {
  const times = asArray(path(pod.status, 'containerStatuses'))
    .map((c) => parseTimestamp(asString(path(c, 'state', 'terminated', 'finishedAt'))))
    .filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.max(...times) : undefined;
}
