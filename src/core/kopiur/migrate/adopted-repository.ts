import { asArray, asString, isObject, path } from '../../k8s/json.js';
import { namespaceOf, type KubeObject } from '../../k8s/object.js';
import { kopiurApiVersion } from './migration-note.js';

/** The Repository migrate names for a mover's repository Secret (`--resolve-secrets`). */
export const adoptedRepositoryName = (secret: string) => `${secret}-kopiur`;

/**
 * The Repository `migrate volsync --resolve-secrets` writes for a mover's Secret: namespaced,
 * never a ClusterRepository, with no moverDefaults and no maintenance block, so kopiur manages its
 * maintenance itself with the hardened identity (K43:mod.rs:247-334). A fork kopia repository is
 * adopted in place: the same files, so its backend is the storage the mover mounts today (migrate
 * writes a PVC as `backend.filesystem.volume.pvc`; an NFS volume becomes the placeholder
 * `REPLACE_ME-repo-pvc`, which the preview takes as pointed back at the same export). A restic
 * repository is a new kopia repository (`create.enabled: true`) in a store the Secret names.
 */
export function adoptedRepository(
  rs: KubeObject,
  mover: 'kopia' | 'restic',
  secret: string,
): KubeObject {
  const name = adoptedRepositoryName(secret);
  const base = { apiVersion: kopiurApiVersion, kind: 'Repository' };
  const metadata = { name, namespace: namespaceOf(rs) };
  if (mover === 'restic') return { ...base, metadata, spec: { create: { enabled: true } } };
  const volume = asArray(path(rs.spec, 'kopia', 'moverVolumes'))
    .map((v) => path(v, 'volumeSource'))
    .find(isObject);
  const pvc = asString(path(volume, 'persistentVolumeClaim', 'claimName'));
  const nfs = path(volume, 'nfs');
  const fsVolume =
    pvc !== undefined
      ? { pvc: { name: pvc } }
      : isObject(nfs)
        ? { nfs: { server: nfs['server'], path: nfs['path'] } }
        : undefined;
  return {
    ...base,
    metadata,
    spec: {
      ...(fsVolume && { backend: { filesystem: { path: '/repository', volume: fsVolume } } }),
      encryption: { passwordSecretRef: { name: secret, key: 'KOPIA_PASSWORD' } },
    },
  };
}
