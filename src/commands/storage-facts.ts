import { InvalidSpecError } from '../core/errors.js';
import type { Snapshot } from '../core/snapshot.js';
import { parseNfsSquashFlag, type NfsExportFacts } from '../core/storage/nfs-exports.js';
import type { RecordedAudit } from '../core/storage/storage-facts.js';
import { UsageError } from '../errors.js';
import type { GlobalArgs } from './global-options.js';

/** `--nfs-squash` values; a malformed one is a usage error (exit 2). */
export function nfsSquashFlags(a: GlobalArgs): NfsExportFacts[] {
  return a['nfs-squash'].map((v) => {
    try {
      return parseNfsSquashFlag(v);
    } catch (e) {
      if (e instanceof InvalidSpecError) throw new UsageError(`${e.where}: ${e.problem}; ${e.fix}`);
      throw e;
    }
  });
}

/**
 * The snapshot with what is known of its storage: --nfs-squash first (it wins over what a source
 * says), then the source's own exports and audits.
 */
export function withStorageFacts(
  a: GlobalArgs,
  snapshot: Snapshot,
  source: { exports?: NfsExportFacts[]; audits?: RecordedAudit[] } = {},
): Snapshot {
  const exports = [
    ...nfsSquashFlags(a),
    ...(source.exports ?? []),
    ...(snapshot.storage?.exports ?? []),
  ];
  const audits = [...(source.audits ?? []), ...(snapshot.storage?.audits ?? [])];
  if (exports.length === 0 && audits.length === 0) return snapshot;
  return { ...snapshot, storage: { exports, audits } };
}
