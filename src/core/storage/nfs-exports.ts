import { InvalidSpecError } from '../errors.js';
import type { NfsServerKind, Squash, SquashMode } from './nfs-squash.js';
import { squashModes } from './nfs-squash.js';

/** What is known of one NFS export: its squash mode, and how that is known. */
export interface NfsExportFacts {
  server: string;
  /** The exported path; it covers every path below it. */
  path: string;
  squash: Squash;
  /** The server's squash rules when measured (audit --probe); the Linux kernel's otherwise. */
  serverKind: NfsServerKind;
  /** e.g. `--nfs-squash nas:/volsync=root_squash`, or `audit --probe of ...`. */
  source: string;
}

/** The kernel's default anonymous identity (exports(5) anonuid/anongid). */
export const defaultAnon = { anonUid: 65534, anonGid: 65534 } as const;

/** A path without repeated or trailing slashes, so `/a//b/` and `/a/b` are one export. */
export function normalizeNfsPath(p: string): string {
  const s = p.replace(/\/+/g, '/').replace(/\/$/, '');
  return s === '' ? '/' : s;
}

/** The export that covers SERVER:PATH: the longest exported path that is PATH or above it. */
export function findNfsExport(
  exports: readonly NfsExportFacts[],
  server: string,
  path: string,
): NfsExportFacts | undefined {
  const p = normalizeNfsPath(path);
  let best: NfsExportFacts | undefined;
  for (const e of exports) {
    if (e.server !== server) continue;
    const ep = normalizeNfsPath(e.path);
    const covers = ep === '/' || p === ep || p.startsWith(`${ep}/`);
    if (covers && (!best || ep.length > normalizeNfsPath(best.path).length)) best = e;
  }
  return best;
}

/** Reads `--nfs-squash SERVER:PATH=root_squash|no_root_squash|all_squash[:UID:GID]`. */
export function parseNfsSquashFlag(v: string): NfsExportFacts {
  const m = /^([^:=\s]+):(\/[^=\s]*)=([a-z_]+)(?::(\d{1,10}):(\d{1,10}))?$/.exec(v);
  const mode = m?.[3] as SquashMode | undefined;
  if (!m || mode === undefined || !squashModes.includes(mode))
    throw new InvalidSpecError(
      `--nfs-squash ${JSON.stringify(v)}`,
      'is not SERVER:PATH=root_squash|no_root_squash|all_squash[:ANONUID:ANONGID]',
      'e.g. --nfs-squash nas.home.arpa:/volsync=root_squash (the export line in /etc/exports says which)',
    );
  const anon =
    m[4] !== undefined && m[5] !== undefined
      ? { anonUid: Number(m[4]), anonGid: Number(m[5]) }
      : defaultAnon;
  return {
    server: m[1] ?? '',
    path: normalizeNfsPath(m[2] ?? '/'),
    squash: { mode, ...anon },
    serverKind: 'kernel',
    source: `--nfs-squash ${v}`,
  };
}
