import { isObject, path } from '../k8s/json.js';
import { isDnsSubdomain } from '../k8s/names.js';

/**
 * Where fix-job records, on the workload itself and in the same write that scales it to 0, the
 * replicas to restore: a run that dies leaves the record, and the next run scales it back
 * (DESIGN.md §8, as the Pod Security relaxation's record does).
 */
export const scaleRecordAnnotation = 'volsync-perms.io/scaled-down-from';

/** The replicas to restore, the Jobs of the run, and the holder's lease. */
export interface ScaleRecord {
  replicas: number;
  /** The repair Jobs the run creates, for the next run to delete if this one dies. */
  jobs: string[];
  holder: { host: string; pid: number };
  /** RFC 3339; the holder renews it while it runs. */
  renewTime: string;
  leaseSeconds: number;
}

/**
 * The merge patch that records and scales down at once, so that the workload is never at 0
 * without a record; the resourceVersion makes it fail (409) when the workload changed since it
 * was read.
 */
export function planScaleDown(
  record: ScaleRecord,
  resourceVersion: string | undefined,
): Record<string, unknown> {
  return {
    metadata: {
      ...(resourceVersion !== undefined && { resourceVersion }),
      annotations: { [scaleRecordAnnotation]: JSON.stringify(record) },
    },
    spec: { replicas: 0 },
  };
}

/** The merge patch that restores the recorded replicas and removes the record. */
export function planScaleUp(record: Pick<ScaleRecord, 'replicas'>): Record<string, unknown> {
  return {
    metadata: { annotations: { [scaleRecordAnnotation]: null } },
    spec: { replicas: record.replicas },
  };
}

/** The merge patch that renews the holder's lease. */
export function planRenewScale(record: ScaleRecord): Record<string, unknown> {
  return { metadata: { annotations: { [scaleRecordAnnotation]: JSON.stringify(record) } } };
}

/**
 * The record in a workload's annotations; `malformed` when it is there but unreadable, or names
 * Jobs the API would not accept: whoever can annotate the workload must not steer the recovery
 * into deleting another path.
 */
export function readScaleRecord(
  annotations: Record<string, string> | undefined,
): ScaleRecord | 'malformed' | undefined {
  const raw = annotations?.[scaleRecordAnnotation];
  if (raw === undefined) return undefined;
  let r: unknown;
  try {
    r = JSON.parse(raw);
  } catch {
    return 'malformed';
  }
  if (!isObject(r) || !isObject(r['holder']) || !Array.isArray(r['jobs'])) return 'malformed';
  const replicas = r['replicas'];
  const ok =
    typeof replicas === 'number' &&
    Number.isInteger(replicas) &&
    replicas >= 0 &&
    (r['jobs'] as unknown[]).every((j) => typeof j === 'string' && isDnsSubdomain(j)) &&
    typeof r['holder']['host'] === 'string' &&
    Number.isInteger(r['holder']['pid']) &&
    typeof r['renewTime'] === 'string' &&
    typeof r['leaseSeconds'] === 'number';
  return ok ? (r as unknown as ScaleRecord) : 'malformed';
}

/**
 * A record nobody will restore: its holder is known dead (same host, pid gone), or its lease ran
 * out (another host, or a pid reused since).
 */
export function isScaleAbandoned(
  r: ScaleRecord,
  now: { nowMs: number; renewedMs: number },
  holderAlive: boolean | undefined,
): boolean {
  if (holderAlive === false) return true;
  return !Number.isFinite(now.renewedMs) || now.nowMs > now.renewedMs + r.leaseSeconds * 1000;
}

/**
 * What changed in a workload since the preview read it, as the scale-down must not act on a
 * workload other than the one previewed: its spec (metadata.generation; status writes do not
 * count) or the record of a scale-down. Undefined when nothing did.
 */
export function findWorkloadChange(previewed: unknown, current: unknown): string | undefined {
  const gen = (o: unknown) => path(o, 'metadata', 'generation');
  const rec = (o: unknown) => path(o, 'metadata', 'annotations', scaleRecordAnnotation);
  if (gen(previewed) !== gen(current))
    return `its spec changed (generation ${String(gen(previewed))} -> ${String(gen(current))})`;
  if (rec(previewed) !== rec(current)) return `its annotation ${scaleRecordAnnotation} changed`;
  return undefined;
}
