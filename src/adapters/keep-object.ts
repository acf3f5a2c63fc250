import { policyObjectKinds } from '../core/admission/scope-policy.js';
import {
  kopiurGroup,
  kopiurMoverKinds,
  kopiurRepositoryKinds,
} from '../core/kopiur/parse-kopiur.js';
import { isDnsLabel, isDnsSubdomain } from '../core/k8s/names.js';
import { InputError } from '../errors.js';
import { clusterScopedKinds, type KubeObject, type Origin } from '../core/k8s/object.js';
import { asStringMap, isObject } from '../core/k8s/json.js';

/** Kinds whose facts decide a mover identity; everything else is dropped while reading. */
const kept = new Set([
  'Namespace',
  'ReplicationSource',
  'ReplicationDestination',
  'KopiaMaintenance',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicaSet',
  'Role',
  'Node',
  // the scope policies of annotate --scoped change or reject mover pods
  ...policyObjectKinds,
  // kopiur's movers and the repositories they use (issue 18)
  ...kopiurMoverKinds,
  ...kopiurRepositoryKinds,
]);
const kopiurKinds = new Set([...kopiurMoverKinds, ...kopiurRepositoryKinds]);

/**
 * Reduces a raw object to what the tool needs (no managedFields; of a Pod's status only its phase
 * and containerStatuses)
 * so that large inputs stay small in memory; rejects names the API server would reject.
 */
export function keepObject(
  v: Record<string, unknown>,
  origin: Origin | undefined,
): KubeObject | undefined {
  const kind = v['kind'] as string;
  if (!kept.has(kind)) return undefined;
  // another API's Repository or Snapshot is not kopiur's
  if (kopiurKinds.has(kind) && !String(v['apiVersion']).startsWith(`${kopiurGroup}/`))
    return undefined;
  const meta = v['metadata'];
  const where = origin ? `${origin.file}:${origin.line}: ${kind}` : kind;
  if (!isObject(meta)) throw new InputError(`${where}: has no metadata; add metadata.name`);
  const name = meta['name'];
  if (typeof name !== 'string' || name === '')
    throw new InputError(`${where}: has no metadata.name; add a name`);
  const nameOk = kind === 'Namespace' ? isDnsLabel(name) : isDnsSubdomain(name);
  if (!nameOk)
    throw new InputError(
      `${where} ${JSON.stringify(name)}: invalid name; use lower-case letters, digits and '-' (RFC 1123)`,
    );
  const ns = meta['namespace'];
  if (ns !== undefined && (typeof ns !== 'string' || !isDnsLabel(ns)))
    throw new InputError(
      `${where}/${name}: invalid namespace ${JSON.stringify(ns)}; use an RFC 1123 label`,
    );
  const metadata: KubeObject['metadata'] = { name };
  if (typeof ns === 'string' && !clusterScopedKinds.has(kind)) metadata.namespace = ns;
  if (typeof meta['uid'] === 'string') metadata.uid = meta['uid'];
  if (typeof meta['creationTimestamp'] === 'string')
    metadata.creationTimestamp = meta['creationTimestamp'];
  if (isObject(meta['labels'])) metadata.labels = asStringMap(meta['labels']);
  if (isObject(meta['annotations'])) {
    const a = asStringMap(meta['annotations']);
    delete a['kubectl.kubernetes.io/last-applied-configuration'];
    metadata.annotations = a;
  }
  const o: KubeObject = {
    apiVersion: v['apiVersion'] as string,
    kind,
    metadata,
    // a Role has no spec: its rules are what the tool reads (stale SCC grants)
    // a Node matters only by its platform labels
    spec: kind === 'Role' ? { rules: v['rules'] } : kind === 'Node' ? undefined : v['spec'],
  };
  if (origin) o.origin = origin;
  const status = isObject(v['status']) ? v['status'] : {};
  if (kind === 'Pod') {
    // the phase says whether the pod still holds its volumes (fix-job placement); the start, when
    // it ran (audit attribution)
    const { phase, containerStatuses, startTime } = status;
    if (phase !== undefined || containerStatuses !== undefined || startTime !== undefined)
      o.status = {
        ...(typeof phase === 'string' && { phase }),
        ...(typeof startTime === 'string' && { startTime }),
        ...(containerStatuses !== undefined && { containerStatuses }),
      };
  }
  const kopiurStatus = kopiurCatalogStatus(kind, status);
  if (kopiurStatus) o.status = kopiurStatus;
  // a Pod's Job, a Job's ReplicationSource: which mover a workload VolSync created belongs to
  const owner = Array.isArray(meta['ownerReferences'])
    ? (meta['ownerReferences'] as unknown[]).find((r) => isObject(r) && r['controller'] === true)
    : undefined;
  if (isObject(owner)) metadata.controlledBy = `${String(owner['kind'])}/${String(owner['name'])}`;
  // when a mover and its Jobs ran: the audit matches files' times to runs
  const times = timeFields[kind];
  if (times) {
    const kept = Object.fromEntries(
      times.filter((f) => typeof status[f] === 'string').map((f) => [f, status[f]]),
    );
    if (Object.keys(kept).length > 0) o.status = kept;
  }
  return o;
}

const timeFields: Record<string, string[]> = {
  ReplicationSource: ['lastSyncTime', 'lastSyncStartTime', 'lastSyncDuration'],
  ReplicationDestination: ['lastSyncTime', 'lastSyncStartTime', 'lastSyncDuration'],
  Job: ['startTime', 'completionTime'],
};

/**
 * What a Restore's recorded-identity search reads (kopiur.md §6): a Snapshot row's kopia identity,
 * snapshot ID, end time and decoded kopiur-meta; a SnapshotPolicy's identity resolved at admission.
 */
function kopiurCatalogStatus(kind: string, status: Record<string, unknown>): KubeObject['status'] {
  const pick = (o: unknown, keys: string[]): Record<string, unknown> =>
    isObject(o)
      ? Object.fromEntries(
          keys.filter((k) => o[k] !== undefined).map((k): [string, unknown] => [k, o[k]]),
        )
      : {};
  const kept: Record<string, Record<string, unknown>> | undefined =
    kind === 'Snapshot'
      ? {
          snapshot: pick(status['snapshot'], ['identity', 'kopiaSnapshotID']),
          timing: pick(status['timing'], ['endTime']),
          ...(isObject(status['recorded']) && { recorded: status['recorded'] }),
        }
      : kind === 'SnapshotPolicy'
        ? { resolved: pick(status['resolved'], ['identity']) }
        : undefined;
  return kept && Object.values(kept).some((v) => Object.keys(v).length > 0) ? kept : undefined;
}
