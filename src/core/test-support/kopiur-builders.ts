import type { KubeObject } from '../k8s/object.js';

const apiVersion = 'kopiur.home-operations.com/v1alpha1';

/** A kopiur object of `kind` with `spec`; cluster-scoped for ClusterRepository. */
export function kopiur(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  ns = 'media',
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: kind === 'ClusterRepository' ? { name } : { name, namespace: ns },
    spec,
  };
}

/** An NFS filesystem ClusterRepository with optional moverDefaults. */
export const nfsRepository = (moverDefaults?: Record<string, unknown>) =>
  kopiur('ClusterRepository', 'nas', {
    backend: { filesystem: { path: '/repo', volume: { nfs: { server: 'nas', path: '/kopia' } } } },
    ...(moverDefaults && { moverDefaults }),
  });

/** A SnapshotPolicy backing up PVC `name` to ClusterRepository nas, with `mover`. */
export const policy = (name: string, mover?: Record<string, unknown>, ns = 'media') =>
  kopiur(
    'SnapshotPolicy',
    name,
    {
      repository: { kind: 'ClusterRepository', name: 'nas' },
      sources: [{ pvc: { name } }],
      ...(mover && { mover }),
    },
    ns,
  );

/** A Restore of policy `name` into PVC `name`, with `mover`. */
export const restore = (name: string, mover?: Record<string, unknown>, ns = 'media') =>
  kopiur(
    'Restore',
    `${name}-restore`,
    {
      repository: { kind: 'ClusterRepository', name: 'nas' },
      source: { fromPolicy: { name } },
      target: { pvcRef: { name } },
      ...(mover && { mover }),
    },
    ns,
  );

/**
 * A Snapshot catalog row of kopia identity `who` (`user@host` or `user@host:path`), finished at
 * `endTime`, with `recorded` as its decoded kopiur-meta (absent: a row without one).
 */
export function snapshotRow(
  name: string,
  who: string,
  endTime: string | undefined,
  recorded?: Record<string, unknown>,
  ns = 'media',
): KubeObject {
  const [username, rest = ''] = who.split('@');
  const [hostname, sourcePath] = rest.split(':');
  return {
    ...kopiur('Snapshot', name, {}, ns),
    status: {
      snapshot: {
        kopiaSnapshotID: `k-${name}`,
        identity: { username, hostname, ...(sourcePath !== undefined && { sourcePath }) },
      },
      ...(endTime !== undefined && { timing: { endTime } }),
      ...(recorded && { recorded: { schema: 1, src: 'explicit', ...recorded } }),
    },
  };
}
