import { InvalidSpecError } from '../core/errors.js';
import type { Snapshot } from '../core/snapshot.js';
import { parseNfsSquashFlag, type NfsExportFacts } from '../core/storage/nfs-exports.js';
import type { RecordedAudit } from '../core/storage/storage-facts.js';
import { parseAuditLog } from '../core/storage/parse-audit-log.js';
import { UsageError } from '../errors.js';
import { kopiurVersionFlag, volsyncVersionFlag } from './volsync-version-flag.js';
import type { Deps } from './deps.js';
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
 * The audits `audit --run` kept for this cluster, parsed; one that no longer parses (an older
 * format) is skipped with a warning, never an error.
 */
export async function readClusterAudits(deps: Deps, server: string): Promise<RecordedAudit[]> {
  const { auditRecordDir, readAuditRecords } = await import('../adapters/audit-records.js');
  const out: RecordedAudit[] = [];
  for (const r of await readAuditRecords(auditRecordDir(deps.env, server))) {
    try {
      out.push({
        key: r.key,
        target: r.target,
        source: r.source,
        summary: parseAuditLog(r.log, r.source),
      });
    } catch (e) {
      if (!(e instanceof InvalidSpecError)) throw e;
      deps.stderr.write(
        `warning: the kept audit of ${r.target} does not parse (${e.problem}); run audit --run again\n`,
      );
    }
  }
  return out;
}

/**
 * The snapshot with the facts the flags give: --volsync-version, then what is known of its
 * storage: --nfs-squash first (it wins over what a source says), then the source's own exports
 * and audits.
 */
export function withFlagFacts(
  a: GlobalArgs,
  read: Snapshot,
  source: { exports?: NfsExportFacts[]; audits?: RecordedAudit[] } = {},
): Snapshot {
  const version = volsyncVersionFlag(a);
  const kopiur = kopiurVersionFlag(a);
  const snapshot = {
    ...read,
    ...(version && { volsyncVersion: version }),
    ...(kopiur && { kopiurVersion: kopiur }),
  };
  const exports = [
    ...nfsSquashFlags(a),
    ...(source.exports ?? []),
    ...(snapshot.storage?.exports ?? []),
  ];
  const audits = [...(source.audits ?? []), ...(snapshot.storage?.audits ?? [])];
  if (exports.length === 0 && audits.length === 0) return snapshot;
  return { ...snapshot, storage: { exports, audits } };
}
