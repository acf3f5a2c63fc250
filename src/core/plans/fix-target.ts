import { asArray, asString, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { PlanRefused } from './plan-refused.js';
import type { VolumeTarget } from './volume-target.js';
import { resolveVolumeTarget, type VolumeRequest } from './volume-target.js';
import { textOrder } from '../text-order.js';

export { describeVolume, type FixVolume, type VolumeRole } from './volume-target.js';

/** What `fix-job` was asked to repair. */
export interface FixRequest extends VolumeRequest {
  kind: 'ReplicationSource' | 'ReplicationDestination' | 'PersistentVolumeClaim';
  /** --uid/--gid: the owner, instead of the mover's moverSecurityContext. */
  uid?: number;
  gid?: number;
}

/** The volume to repair and the owner it should have, with where each came from. */
export interface FixTarget extends VolumeTarget {
  owner: { uid: number; gid: number; from: string };
}

/**
 * Resolves what to repair: from a mover, its data, repository or cache volume and the owner its
 * moverSecurityContext asks for (runAsUser, then runAsGroup or fsGroup); from a PVC, the explicit
 * --uid/--gid. Refuses (usage) when there is no intended owner or no such volume.
 */
export function planFixTarget(index: SnapshotIndex, r: FixRequest): FixTarget {
  const where = `${r.kind} ${r.namespace}/${r.name}`;
  if (r.kind === 'PersistentVolumeClaim' && (r.uid === undefined || r.gid === undefined))
    throw new PlanRefused(
      'usage',
      `${where}: a PVC has no intended owner; pass --uid U --gid G (the UID and GID the app runs as)`,
    );
  const t = resolveVolumeTarget(index, r);
  return { ...t, owner: ownerOf(t, r, where) };
}

function ownerOf(t: VolumeTarget, r: FixRequest, where: string): FixTarget['owner'] {
  if (r.uid !== undefined && r.gid !== undefined && !t.intended)
    return { uid: r.uid, gid: r.gid, from: '--uid/--gid' };
  const i = t.intended;
  const uid = r.uid ?? i?.uid;
  const gid = r.gid ?? i?.gid;
  const field = i?.field ?? 'the owner';
  if (uid === undefined || gid === undefined)
    throw new PlanRefused(
      'usage',
      `${where}: ${field} sets no ${uid === undefined ? 'runAsUser' : 'runAsGroup or fsGroup'}, so the intended owner is unknown; set it, or pass --uid U --gid G`,
    );
  const fromSpec = [
    r.uid === undefined ? 'runAsUser' : '',
    r.gid !== undefined ? '' : (i?.gidFrom ?? ''),
  ].filter(Boolean);
  const flags = [r.uid !== undefined ? '--uid' : '', r.gid !== undefined ? '--gid' : ''].filter(
    Boolean,
  );
  const from = [...flags, ...(fromSpec.length > 0 ? [`${field} ${fromSpec.join(', ')}`] : [])];
  return { uid, gid, from: from.join(', ') };
}

/** Where the Job may run: anywhere, next to the pods that hold a ReadWriteOnce claim, or not at all. */
export type Placement =
  | { kind: 'anywhere'; why: string }
  | { kind: 'node'; node: string; why: string }
  | { kind: 'unknown'; why: string };

/**
 * A ReadWriteOnce claim mounted by a running pod can only be mounted again on that pod's node; a
 * ReadWriteOncePod claim in use cannot be mounted at all, so the workload must stop first.
 */
export function planPlacement(
  snapshot: Snapshot,
  index: SnapshotIndex,
  t: Pick<VolumeTarget, 'namespace' | 'volume'>,
): Placement {
  if (t.volume.type === 'nfs') return { kind: 'anywhere', why: 'an NFS export mounts on any node' };
  const claim = t.volume.claimName;
  const pvc = index.get('PersistentVolumeClaim', t.namespace, claim);
  if (!pvc)
    return {
      kind: 'unknown',
      why: `PersistentVolumeClaim ${t.namespace}/${claim} is not in the input; its access modes and users are unknown`,
    };
  const modes = asArray(path(pvc.spec, 'accessModes')).filter(
    (m): m is string => typeof m === 'string',
  );
  const users = runningPodsOf(snapshot, t.namespace, claim);
  const names = users.map((p) => `Pod ${p.metadata.name}`).join(', ');
  if (modes.includes('ReadWriteOncePod') && users.length > 0) {
    const owners = index
      .claimUsers(t.namespace, claim)
      .filter((w) => w.kind !== 'Pod')
      .map((w) => `${w.kind} ${w.metadata.name}`)
      .join(', ');
    throw new PlanRefused(
      'refused',
      `PersistentVolumeClaim ${t.namespace}/${claim}: ReadWriteOncePod and in use by ${names}; scale down ${owners || 'the workload of that pod'} first, then run fix-job again`,
    );
  }
  const node = users.map((p) => asString(path(p.spec, 'nodeName'))).find((n) => n !== undefined);
  const exclusive = modes.includes('ReadWriteOnce') || modes.includes('ReadWriteOncePod');
  if (exclusive && node !== undefined)
    return { kind: 'node', node, why: `ReadWriteOnce and mounted by ${names} on node ${node}` };
  return {
    kind: 'anywhere',
    why: exclusive
      ? 'ReadWriteOnce and not mounted by a running pod'
      : `access modes ${modes.join(', ') || 'unset'} allow any node`,
  };
}

function runningPodsOf(snapshot: Snapshot, namespace: string, claim: string): KubeObject[] {
  return snapshot.objects
    .filter((o) => o.kind === 'Pod' && namespaceOf(o) === namespace)
    .filter((o) => {
      const phase = asString(path(o.status, 'phase'));
      return phase !== 'Succeeded' && phase !== 'Failed';
    })
    .filter((o) =>
      asArray(path(o.spec, 'volumes')).some(
        (v) => asString(path(v, 'persistentVolumeClaim', 'claimName')) === claim,
      ),
    )
    .sort((a, b) => textOrder(a.metadata.name, b.metadata.name));
}
