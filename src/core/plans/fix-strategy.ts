import type { AuditClass } from '../storage/audit-summary.js';
import type { VolumeStorage } from '../storage/volume-storage.js';
import { PlanRefused } from './plan-refused.js';

/**
 * How a repair can work on the storage it meets (k8s-identity §4.3): chown as UID 0 where root
 * keeps its power; where the export squashes root, chmod as the files' owner (no capabilities);
 * where neither can, only the NFS server can repair it.
 */
export type FixStrategy =
  | {
      kind: 'chown';
      /** Only files of these owners change (the classes an audit found); empty = every file. */
      owners: { uid: number; gid: number }[];
      /** Stat each changed file again: an NFS server may answer success and change nothing. */
      verify: boolean;
      /** Why chown can work here, or the risk when that is not known. */
      note: string;
    }
  | {
      kind: 'chmod';
      /** The owner whose files change; the Job runs as this UID, without capabilities. */
      runAs: number;
      owners: { uid: number; gid: number }[];
      mode: string;
      note: string;
    };

export interface StrategyInput {
  owner: { uid: number; gid: number };
  storage: VolumeStorage | undefined;
  /** The classes an audit found (fix-job --from-audit); undefined without an audit. */
  classes?: readonly AuditClass[];
  /** --mode: a symbolic chmod mode, for the repair as the files' owner. */
  mode?: string;
  onlyUid?: number;
}

/** A symbolic mode as chmod(1) reads it, and only that (it reaches the script as data). */
export const symbolicMode = /^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/;

/** The files of the classes an audit found that are not owned as the repair asks. */
export function ownersToFix(
  classes: readonly AuditClass[],
  owner: { uid: number; gid: number },
  onlyUid: number | undefined,
): { uid: number; gid: number; count: number }[] {
  const by = new Map<string, { uid: number; gid: number; count: number }>();
  for (const c of classes) {
    if (c.uid === owner.uid && c.gid === owner.gid) continue;
    if (onlyUid !== undefined && c.uid !== onlyUid) continue;
    const k = `${c.uid}:${c.gid}`;
    const o = by.get(k) ?? { uid: c.uid, gid: c.gid, count: 0 };
    o.count += c.count;
    by.set(k, o);
  }
  return [...by.values()].sort((a, b) => a.uid - b.uid || a.gid - b.gid);
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The commands to run as root on the NFS server itself, where squashing does not apply: one
 * `find ... -exec chown` per owner (POSIX find: NAS systems without GNU chown --from have it).
 */
export function serverCommands(
  path: string,
  owner: { uid: number; gid: number },
  from: readonly { uid: number; gid: number }[],
): string[] {
  const where = quote(path);
  if (from.length === 0)
    return [
      `find ${where} -xdev ! \\( -user ${owner.uid} -group ${owner.gid} \\) -exec chown -h ${owner.uid}:${owner.gid} {} +`,
    ];
  return from.map(
    (f) =>
      `find ${where} -xdev -user ${f.uid} -group ${f.gid} -exec chown -h ${owner.uid}:${owner.gid} {} +`,
  );
}

/**
 * Decides how the repair works on its storage. Refuses (exit 6) with the commands for the NFS
 * server when no Job can do it: the export squashes root and the files to change are root's,
 * belong to several owners, or are not known (no audit and no --only-uid).
 */
export function planFixStrategy(i: StrategyInput): FixStrategy {
  const nfs = i.storage?.nfs;
  const fixing = i.classes ? ownersToFix(i.classes, i.owner, i.onlyUid) : undefined;
  const owners = (fixing ?? []).map(({ uid, gid }) => ({ uid, gid }));
  if (i.mode !== undefined && !symbolicMode.test(i.mode))
    throw new PlanRefused(
      'usage',
      `--mode ${JSON.stringify(i.mode)}: not a symbolic mode; use e.g. g+rX (group may read files and enter directories)`,
    );
  const squash = nfs?.squash;
  if (!nfs || !squash || squash.mode === 'no_root_squash') {
    if (i.mode !== undefined)
      throw new PlanRefused(
        'usage',
        `--mode is the repair as the files' owner where the export squashes root; ${nfs ? `NFS ${nfs.server}:${nfs.path} is ${squash ? 'no_root_squash' : 'of unknown squash mode'}` : 'this volume is not NFS'}, so the repair chowns as UID 0: drop --mode${nfs && !squash ? ', or say the squash mode with --nfs-squash' : ''}`,
      );
    return {
      kind: 'chown',
      owners,
      verify: nfs !== undefined,
      note: !nfs
        ? 'chown as UID 0 with CHOWN'
        : squash
          ? `NFS ${nfs.server}:${nfs.path} is no_root_squash (${nfs.squashFrom}): UID 0 is root on the server`
          : `the squash mode of NFS ${nfs.server}:${nfs.path} is not known: under root_squash, the default, every chown fails with EPERM and the Job fails saying so; measure it first with audit --run --probe, or pass --nfs-squash`,
    };
  }
  const server = (why: string, from: { uid: number; gid: number }[]) =>
    new PlanRefused(
      'refused',
      `NFS ${nfs.server}:${nfs.path} is exported ${squash.mode} (${nfs.squashFrom}): ${why}; only the NFS server can change owners there. On ${nfs.server}, as root: ${serverCommands(nfs.path, i.owner, from).join(' ; ')} (the path as the server sees it; on a NAS it may sit under its volume, e.g. /volume1${nfs.path})`,
    );
  if (fixing === undefined && i.onlyUid === undefined)
    throw server(
      'a chown by UID 0 fails there (EPERM) and which owners to change is not known; audit the volume (audit --run) and pass --from-audit, or pass --only-uid',
      [],
    );
  const uids = fixing ? [...new Set(fixing.map((f) => f.uid))] : [i.onlyUid as number];
  if (fixing && fixing.length === 0)
    return { kind: 'chown', owners: [], verify: true, note: 'the audit found no file to change' };
  const anon = squash.mode === 'all_squash' ? squash.anonUid : undefined;
  const rootOwned = uids.includes(0) && anon !== 0;
  if (rootOwned || uids.length > 1 || i.mode === undefined)
    throw server(
      rootOwned
        ? `the files to change are owned by UID 0, which no client may touch there (a squashed root is ${squash.anonUid}:${squash.anonGid})`
        : uids.length > 1
          ? `the files to change belong to ${uids.length} owners (${uids.join(', ')}), and a Job runs as one`
          : `a chown by UID 0 fails there (EPERM); --mode MODE (e.g. g+rX) makes their owner ${uids[0] ?? '?'} change their modes and group instead`,
      fixing ?? [],
    );
  const [only = 0] = uids;
  const runAs = anon ?? only;
  return {
    kind: 'chmod',
    runAs,
    owners,
    mode: i.mode,
    note: `NFS ${nfs.server}:${nfs.path} is ${squash.mode} (${nfs.squashFrom}): chown cannot work there, so the files' owner ${runAs} changes their group to ${i.owner.gid} and their mode with ${i.mode}, without capabilities`,
  };
}
