import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An audit as `audit --run` keeps it on this machine: its log, and what it was of. */
export interface AuditRecord {
  /** The storage key of the volume (`NFS server:/path`, `PVC ns/claim`). */
  key: string;
  target: string;
  /** e.g. `audit --run of 2026-11-30T09:00:00Z (Job default/volsync-perms-audit-nfs-551e76)`. */
  source: string;
  log: string;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * `$XDG_CACHE_HOME/volsync-perms/audits/<cluster>/`, else under `~/.cache`: the audits run on one
 * API server (PVC names mean nothing elsewhere); none without either variable.
 */
export function auditRecordDir(
  env: Record<string, string | undefined>,
  server: string,
): string | undefined {
  const base = env['XDG_CACHE_HOME'] ?? (env['HOME'] ? join(env['HOME'], '.cache') : undefined);
  return base === undefined ? undefined : join(base, 'volsync-perms', 'audits', hash(server));
}

/** Keeps the newest audit of a volume (one file per volume, written whole, mode 0600). */
export async function writeAuditRecord(dir: string, r: AuditRecord): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${hash(r.key)}.json`);
  await writeFile(`${file}.tmp`, JSON.stringify(r), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/** Every audit kept for the cluster; unreadable or foreign files are skipped. */
export async function readAuditRecords(dir: string | undefined): Promise<AuditRecord[]> {
  if (dir === undefined) return [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: AuditRecord[] = [];
  for (const n of names) {
    try {
      const r = JSON.parse(await readFile(join(dir, n), 'utf8')) as Partial<AuditRecord>;
      if ([r.key, r.target, r.source, r.log].every((x) => typeof x === 'string'))
        out.push(r as AuditRecord);
    } catch {
      // a half-written or foreign file: not an audit
    }
  }
  return out;
}
