import { asString, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import type { Volume } from '../k8s/types.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import { findNfsExport, normalizeNfsPath, type NfsExportFacts } from './nfs-exports.js';
import type { NfsServerKind, Squash } from './nfs-squash.js';

/** The NFS export behind a volume, and what is known of its squashing. */
export interface NfsStorage {
  server: string;
  path: string;
  /** null = not known: it depends on the export line on the server. */
  squash: Squash | null;
  serverKind: NfsServerKind;
  squashFrom: string;
}

/**
 * The storage behind a pod volume: a key every subject mounting the same files shares, and what
 * the storage does to the identity that writes there (squashing, fsGroup).
 */
export interface VolumeStorage {
  /** `NFS server:/path` or `PVC namespace/claim`. */
  key: string;
  nfs?: NfsStorage;
  /** Whether the kubelet applies fsGroup to it (k8s-identity §4.1); null = not known. */
  fsGroupApplied: boolean | null;
  fsGroupWhy: string;
}

const csiNfsDriver = 'nfs.csi.k8s.io';
const cite = 'k8s-identity §4.1';

function nfsStorage(server: string, p: string, exports: readonly NfsExportFacts[]): NfsStorage {
  const path = normalizeNfsPath(p);
  const e = findNfsExport(exports, server, path);
  return e
    ? { server, path, squash: e.squash, serverKind: e.serverKind, squashFrom: e.source }
    : {
        server,
        path,
        squash: null,
        serverKind: 'kernel',
        squashFrom: `not known: it is the export's option on ${server} (root_squash unless the export says otherwise); pass --nfs-squash ${server}:${path}=MODE, or measure it with audit --probe`,
      };
}

/** The NFS export of a PersistentVolume: in-tree spec.nfs, or csi-driver-nfs's server and share. */
function pvNfs(
  pv: KubeObject | undefined,
): { server: string; path: string; csi: boolean } | undefined {
  const server = asString(path(pv?.spec, 'nfs', 'server'));
  if (server !== undefined)
    return { server, path: asString(path(pv?.spec, 'nfs', 'path')) ?? '/', csi: false };
  if (asString(path(pv?.spec, 'csi', 'driver')) !== csiNfsDriver) return undefined;
  const attrs = path(pv?.spec, 'csi', 'volumeAttributes');
  const csiServer = asString(path(attrs, 'server'));
  if (csiServer === undefined) return undefined;
  const share = asString(path(attrs, 'share')) ?? '/';
  const sub = asString(path(attrs, 'subdir'));
  return { server: csiServer, path: sub === undefined ? share : `${share}/${sub}`, csi: true };
}

/**
 * Resolves the storage of a volume from the snapshot: an inline NFS volume, a claim bound to an
 * NFS PersistentVolume (in-tree or csi-driver-nfs), or a claim of other storage. undefined for
 * volumes that hold no shared files (emptyDir, secret, ...).
 */
export function resolveVolumeStorage(
  index: SnapshotIndex,
  namespace: string,
  v: Volume,
  exports: readonly NfsExportFacts[],
): VolumeStorage | undefined {
  if (v.nfs) {
    const nfs = nfsStorage(v.nfs.server, v.nfs.path, exports);
    return {
      key: `NFS ${nfs.server}:${nfs.path}`,
      nfs,
      fsGroupApplied: false,
      fsGroupWhy: `the in-tree nfs plugin never applies fsGroup (${cite})`,
    };
  }
  if (v.claimName === undefined) return undefined;
  const pvc = index.get('PersistentVolumeClaim', namespace, v.claimName);
  const pvName = asString(path(pvc?.spec, 'volumeName'));
  const pv = pvName === undefined ? undefined : index.get('PersistentVolume', '', pvName);
  const remote = pvNfs(pv);
  if (remote) {
    const nfs = nfsStorage(remote.server, remote.path, exports);
    return {
      key: `NFS ${nfs.server}:${nfs.path}`,
      nfs,
      fsGroupApplied: remote.csi ? null : false,
      fsGroupWhy: remote.csi
        ? `csi-driver-nfs applies fsGroup when its CSIDriver sets fsGroupPolicy File (the chart default since 4.0.0); under root_squash the kubelet's chown fails silently (${cite})`
        : `PersistentVolume ${pvName ?? ''} is in-tree nfs, which never applies fsGroup (${cite})`,
    };
  }
  const hostPath = asString(path(pv?.spec, 'hostPath', 'path'));
  return {
    key: `PVC ${namespace}/${v.claimName}`,
    fsGroupApplied: hostPath !== undefined ? false : null,
    fsGroupWhy:
      hostPath !== undefined
        ? `PersistentVolume ${pvName ?? ''} is hostPath, which never applies fsGroup (${cite})`
        : `depends on the volume plugin or the CSIDriver's fsGroupPolicy (${cite})`,
  };
}
