import { asArray, asString, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { parseMoverSpec, type MoverSpec } from '../volsync/mover-spec.js';
import { PlanRefused } from './plan-refused.js';

export type VolumeRole = 'data' | 'repository' | 'cache';

/** What `fix-job` was asked to repair. */
export interface FixRequest {
  kind: 'ReplicationSource' | 'ReplicationDestination' | 'PersistentVolumeClaim';
  namespace: string;
  name: string;
  /** Which volume of a mover (rs/rd only); default data. */
  volume?: VolumeRole;
  /** --uid/--gid: the owner, instead of the mover's moverSecurityContext. */
  uid?: number;
  gid?: number;
}

export type FixVolume =
  | { type: 'persistentVolumeClaim'; claimName: string }
  | { type: 'nfs'; server: string; path: string };

/** The volume to repair and the owner it should have, with where each came from. */
export interface FixTarget {
  namespace: string;
  volume: FixVolume;
  /** e.g. `data volume of ReplicationSource default/bookstack`, or the PVC named. */
  purpose: string;
  owner: { uid: number; gid: number; from: string };
  /** The mover whose image the Job reuses; undefined for pvc/NAME. */
  mover?: MoverSpec;
}

export const describeVolume = (v: FixVolume) =>
  v.type === 'nfs' ? `NFS ${v.server}:${v.path}` : `PersistentVolumeClaim ${v.claimName}`;

/**
 * Resolves what to repair: from a mover, its data, repository or cache volume and the owner its
 * moverSecurityContext asks for (runAsUser, then runAsGroup or fsGroup); from a PVC, the explicit
 * --uid/--gid. Refuses (usage) when there is no intended owner or no such volume.
 */
export function planFixTarget(index: SnapshotIndex, r: FixRequest): FixTarget {
  const where = `${r.kind} ${r.namespace}/${r.name}`;
  if (r.kind === 'PersistentVolumeClaim') {
    if (r.uid === undefined || r.gid === undefined)
      throw new PlanRefused(
        'usage',
        `${where}: a PVC has no intended owner; pass --uid U --gid G (the UID and GID the app runs as)`,
      );
    return {
      namespace: r.namespace,
      volume: { type: 'persistentVolumeClaim', claimName: r.name },
      purpose: `${r.kind} ${r.namespace}/${r.name}`,
      owner: { uid: r.uid, gid: r.gid, from: '--uid/--gid' },
    };
  }
  const obj = index.get(r.kind, r.namespace, r.name);
  if (!obj)
    throw new PlanRefused('input', `${where}: not found in the input; check the name and -n`);
  const parsed = parseMoverSpec(obj);
  if (parsed.kind === 'podless')
    throw new PlanRefused('input', `${where}: ${parsed.reason}; it writes no volume to repair`);
  const mover = parsed.spec;
  const role = r.volume ?? 'data';
  const volume = moverVolume(mover, role, where);
  return {
    namespace: r.namespace,
    volume,
    purpose: `${role} volume of ${where}`,
    owner: intendedOwner(mover, r, where),
    mover,
  };
}

function intendedOwner(m: MoverSpec, r: FixRequest, where: string): FixTarget['owner'] {
  const sc = m.moverSecurityContext;
  const field = `spec.${m.mover === 'rsync-tls' ? 'rsyncTLS' : m.mover}.moverSecurityContext`;
  const uid = r.uid ?? sc?.runAsUser;
  const gid = r.gid ?? sc?.runAsGroup ?? sc?.fsGroup;
  if (uid === undefined || gid === undefined)
    throw new PlanRefused(
      'usage',
      `${where}: ${field} sets no ${uid === undefined ? 'runAsUser' : 'runAsGroup or fsGroup'}, so the intended owner is unknown; set it, or pass --uid U --gid G`,
    );
  const fromSpec = [
    r.uid === undefined ? 'runAsUser' : '',
    r.gid !== undefined ? '' : sc?.runAsGroup !== undefined ? 'runAsGroup' : 'fsGroup',
  ].filter(Boolean);
  const flags = [r.uid !== undefined ? '--uid' : '', r.gid !== undefined ? '--gid' : ''].filter(
    Boolean,
  );
  const from = [...flags, ...(fromSpec.length > 0 ? [`${field} ${fromSpec.join(', ')}`] : [])];
  return { uid, gid, from: from.join(', ') };
}

/** The claim or NFS export behind a mover's data, repository or cache (volsync-semantics §6.2). */
function moverVolume(m: MoverSpec, role: VolumeRole, where: string): FixVolume {
  if (role === 'data') {
    if (m.kind === 'ReplicationDestination' && m.dataPVC === undefined)
      // VolSync provisions the destination volume itself when destinationPVC is not set
      return { type: 'persistentVolumeClaim', claimName: `volsync-${m.name}-dest` };
    if (m.dataPVC === undefined)
      throw new PlanRefused(
        'usage',
        `${where}: spec.sourcePVC is not set; there is no data volume`,
      );
    return { type: 'persistentVolumeClaim', claimName: m.dataPVC };
  }
  if (role === 'cache') {
    if (m.mover !== 'restic' && m.mover !== 'kopia')
      throw new PlanRefused('usage', `${where}: the ${m.mover} mover has no cache volume`);
    const dir = m.kind === 'ReplicationSource' ? 'src' : 'dst';
    return {
      type: 'persistentVolumeClaim',
      // the name build-mover-pod gives the cache volume (volsync-semantics §2.1)
      claimName: `volsync-${dir}-${m.name}-cache`,
    };
  }
  const repo = m.moverVolumes.find(
    (v) => v.volume.type === 'persistentVolumeClaim' || v.volume.type === 'nfs',
  );
  if (m.mover !== 'kopia' || !repo)
    throw new PlanRefused(
      'usage',
      `${where}: no filesystem repository on a volume (only kopia keeps one, in the first PVC or NFS entry of spec.kopia.moverVolumes); repair the data or cache volume, or pvc/NAME`,
    );
  const v = repo.volume;
  if (v.type === 'nfs' && v.nfs) return { type: 'nfs', server: v.nfs.server, path: v.nfs.path };
  if (v.claimName === undefined)
    throw new PlanRefused('input', `${where}: the repository moverVolume names no claimName`);
  return { type: 'persistentVolumeClaim', claimName: v.claimName };
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
export function planPlacement(snapshot: Snapshot, index: SnapshotIndex, t: FixTarget): Placement {
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
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}
