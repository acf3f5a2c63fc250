import type { MountedStorage } from '../identity/layers/storage.js';
import type { Container, PodSpec } from '../k8s/types.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { resolveVolumeStorage } from '../storage/volume-storage.js';

/**
 * The volumes a container mounts that hold shared files (NFS, PVCs), with their storage. A built
 * pod whose container lists no mounts (the fork's maintenance pods: not modelled) is taken to
 * mount every volume of its pod.
 */
export function mountedStorageOf(
  snapshot: Snapshot,
  index: SnapshotIndex,
  namespace: string,
  pod: PodSpec,
  c: Container,
): MountedStorage[] {
  const exports = snapshot.storage?.exports ?? [];
  const volumes = pod.volumes ?? [];
  const mounts = c.volumeMounts ?? volumes.map((v) => ({ name: v.name, mountPath: '' }));
  const out: MountedStorage[] = [];
  for (const m of mounts) {
    const v = volumes.find((x) => x.name === m.name);
    const storage = v && resolveVolumeStorage(index, namespace, v, exports);
    if (storage) out.push({ volume: m.name, mountPath: m.mountPath, storage });
  }
  return out;
}
