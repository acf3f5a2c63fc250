import type { FixVolume } from '../plans/volume-target.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import type { AuditSummary } from './audit-summary.js';
import { normalizeNfsPath, type NfsExportFacts } from './nfs-exports.js';
import { resolveProbedSquash } from './probe-squash.js';
import { resolveVolumeStorage, type VolumeStorage } from './volume-storage.js';

/**
 * The storage behind a volume a command names, with what an audit's probe measured of its
 * export's squashing (it wins over what the snapshot says): the export facts to use, and the
 * storage as seen with them.
 */
export function resolveTargetStorage(
  snapshot: Snapshot,
  index: SnapshotIndex,
  namespace: string,
  v: FixVolume,
  audit: { summary: AuditSummary; purpose: string } | undefined,
): { storage: VolumeStorage; exports: NfsExportFacts[] } {
  const volume =
    v.type === 'nfs'
      ? { name: 'target', type: 'nfs', nfs: { server: v.server, path: v.path } }
      : { name: 'target', type: 'persistentVolumeClaim', claimName: v.claimName };
  const exports = [...(snapshot.storage?.exports ?? [])];
  const first = resolveVolumeStorage(index, namespace, volume, exports);
  const probed = audit && resolveProbedSquash(audit.summary);
  if (audit && first?.nfs && probed?.squash)
    exports.unshift({
      server: first.nfs.server,
      path: normalizeNfsPath(first.nfs.path),
      squash: probed.squash,
      serverKind: first.nfs.serverKind,
      source: `audit --probe of the ${audit.purpose}: ${probed.evidence}`,
    });
  const storage = resolveVolumeStorage(index, namespace, volume, exports) ?? {
    key: v.type === 'nfs' ? `NFS ${v.server}:${v.path}` : `PVC ${namespace}/${v.claimName}`,
    fsGroupApplied: null,
    fsGroupWhy: '',
  };
  return { storage, exports };
}
