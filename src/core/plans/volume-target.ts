import type { SnapshotIndex } from '../snapshot-index.js';
import { parseKopiaMaintenance, type KopiaMaintenanceSpec } from '../volsync/kopia-maintenance.js';
import { parseMoverSpec, type MoverSpec, type MoverVolume } from '../volsync/mover-spec.js';
import { PlanRefused } from './plan-refused.js';

export type VolumeRole = 'data' | 'repository' | 'cache';

/** A volume named through the object that uses it (a mover, KopiaMaintenance) or a PVC. */
export interface VolumeRequest {
  kind:
    'ReplicationSource' | 'ReplicationDestination' | 'PersistentVolumeClaim' | 'KopiaMaintenance';
  namespace: string;
  name: string;
  /** Which volume of a mover; default data (repository for KopiaMaintenance). */
  volume?: VolumeRole;
}

export type FixVolume =
  | { type: 'persistentVolumeClaim'; claimName: string }
  | { type: 'nfs'; server: string; path: string };

/** The volume, what it is for, and the owner its user's securityContext asks for. */
export interface VolumeTarget {
  namespace: string;
  volume: FixVolume;
  /** e.g. `data volume of ReplicationSource default/bookstack`, or the PVC named. */
  purpose: string;
  /** The mover whose image a Job reuses; undefined for pvc/NAME. */
  mover?: MoverSpec;
  maintenance?: KopiaMaintenanceSpec;
  /** What moverSecurityContext (or podSecurityContext) says the files' owner is. */
  intended?: { uid?: number; gid?: number; gidFrom?: 'runAsGroup' | 'fsGroup'; field: string };
}

export const describeVolume = (v: FixVolume) =>
  v.type === 'nfs' ? `NFS ${v.server}:${v.path}` : `PersistentVolumeClaim ${v.claimName}`;

/**
 * Resolves the volume a request names: a PVC itself; a mover's data, repository or cache volume
 * (volsync-semantics §6.2); a KopiaMaintenance's repository. Refuses (usage or input) when the
 * object or the volume does not exist.
 */
export function resolveVolumeTarget(index: SnapshotIndex, r: VolumeRequest): VolumeTarget {
  const where = `${r.kind} ${r.namespace}/${r.name}`;
  if (r.kind === 'PersistentVolumeClaim')
    return {
      namespace: r.namespace,
      volume: { type: 'persistentVolumeClaim', claimName: r.name },
      purpose: where,
    };
  const obj = index.get(r.kind, r.namespace, r.name);
  if (!obj)
    throw new PlanRefused('input', `${where}: not found in the input; check the name and -n`);
  if (r.kind === 'KopiaMaintenance') {
    const m = parseKopiaMaintenance(obj);
    if (r.volume !== undefined && r.volume !== 'repository')
      throw new PlanRefused(
        'usage',
        `${where}: KopiaMaintenance has only a repository volume to name; drop --volume or use --volume repository`,
      );
    const sc = m.podSecurityContext;
    return {
      namespace: r.namespace,
      volume: repositoryVolume(m.moverVolumes, where, 'spec.moverVolumes'),
      purpose: `repository of ${where}`,
      maintenance: m,
      intended: intendedOf(
        sc?.runAsUser,
        sc?.runAsGroup,
        sc?.fsGroup,
        `${where} spec.podSecurityContext`,
      ),
    };
  }
  const parsed = parseMoverSpec(obj);
  if (parsed.kind === 'podless')
    throw new PlanRefused('input', `${where}: ${parsed.reason}; it writes no volume`);
  const mover = parsed.spec;
  const role = r.volume ?? 'data';
  const sc = mover.moverSecurityContext;
  const field = `spec.${mover.mover === 'rsync-tls' ? 'rsyncTLS' : mover.mover}.moverSecurityContext`;
  return {
    namespace: r.namespace,
    volume: moverVolume(mover, role, where),
    purpose: `${role} volume of ${where}`,
    mover,
    intended: intendedOf(sc?.runAsUser, sc?.runAsGroup, sc?.fsGroup, field),
  };
}

function intendedOf(
  uid: number | undefined,
  runAsGroup: number | undefined,
  fsGroup: number | undefined,
  field: string,
): VolumeTarget['intended'] {
  const gid = runAsGroup ?? fsGroup;
  return {
    field,
    ...(uid !== undefined && { uid }),
    ...(gid !== undefined && { gid, gidFrom: runAsGroup !== undefined ? 'runAsGroup' : 'fsGroup' }),
  };
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
  if (m.mover !== 'kopia' || !m.moverVolumes.some(isRepository))
    throw new PlanRefused(
      'usage',
      `${where}: no filesystem repository on a volume (only kopia keeps one, in the first PVC or NFS entry of spec.kopia.moverVolumes); use the data or cache volume, or pvc/NAME`,
    );
  return repositoryVolume(m.moverVolumes, where, 'spec.kopia.moverVolumes');
}

const isRepository = (v: MoverVolume) =>
  v.volume.type === 'persistentVolumeClaim' || v.volume.type === 'nfs';

/** kopia's filesystem repository: the first PVC or NFS entry of moverVolumes (volsync-semantics §2.8). */
function repositoryVolume(
  volumes: readonly MoverVolume[],
  where: string,
  field: string,
): FixVolume {
  const repo = volumes.find(isRepository);
  if (!repo)
    throw new PlanRefused(
      'usage',
      `${where}: ${field} holds no PVC or NFS entry, so there is no filesystem repository on a volume`,
    );
  const v = repo.volume;
  if (v.type === 'nfs' && v.nfs) return { type: 'nfs', server: v.nfs.server, path: v.nfs.path };
  if (v.claimName === undefined)
    throw new PlanRefused('input', `${where}: the repository moverVolume names no claimName`);
  return { type: 'persistentVolumeClaim', claimName: v.claimName };
}
