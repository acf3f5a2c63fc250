import type { Actor } from '../../storage/access.js';
import type { NfsStorage, VolumeStorage } from '../../storage/volume-storage.js';
import {
  resolveServerCredential,
  squashModes,
  type Squash,
  type SquashMode,
} from '../../storage/nfs-squash.js';
import { defaultAnon } from '../../storage/nfs-exports.js';
import type { TraceStep } from '../trace.js';
import type { Unknown } from '../unknown.js';
import { step } from './state.js';

/** A volume the container mounts, with the storage behind it. */
export interface MountedStorage {
  volume: string;
  mountPath: string;
  storage: VolumeStorage;
}

/** Who the storage sees when the process reads and writes there. */
export interface StorageActor {
  /** The squash mode this actor assumes; null on storage without squashing or when known. */
  assumes: SquashMode | null;
  actor: Actor;
  /** false when the container's capabilities are not known (UID 0 without drop ALL). */
  capabilitiesKnown: boolean;
}

export interface VolumeAccess extends MountedStorage {
  /** One actor, or one per possible squash mode when the export's mode is not known; none when the identity is. */
  actors: StorageActor[];
}

/** The identity that writes the files: the process's, or the one its entrypoint switches to. */
export interface Writer {
  uid: number | null;
  gid: number | null;
  groups: number[] | null;
  capabilities: string[] | null;
  /** Set when the image's entrypoint switched identity: then no capabilities are left. */
  switchedBy?: string;
}

const cite = 'k8s-identity §4.3 (LNX:fs/nfsd/auth.c nfsd_setuser)';

const squashText = (s: Squash) =>
  s.mode === 'no_root_squash' ? s.mode : `${s.mode} (anonymous ${s.anonUid}:${s.anonGid})`;

/**
 * The storage layer: what each mounted volume does to the writer's identity. On NFS the server
 * checks and writes with the credential after squashing, and the container's capabilities do not
 * travel (a mapped UID 0 is root on the server, a squashed one is nobody); fsGroup is never
 * applied there. Elsewhere the process's own identity and capabilities apply.
 */
export function resolveStorageLayer(
  mounts: readonly MountedStorage[],
  w: Writer,
  fsGroup: number | null,
): { steps: TraceStep[]; storage: VolumeAccess[]; unknowns: Unknown[] } {
  const steps: TraceStep[] = [];
  const unknowns: Unknown[] = [];
  const storage = mounts.map((m): VolumeAccess => {
    const nfs = m.storage.nfs;
    if (!nfs) return { ...m, actors: localActors(w) };
    steps.push(nfsStep(nfs, w));
    // only UID 0 and GID 0 writers differ between root_squash (the default) and no_root_squash
    if (nfs.squash === null && (w.uid === 0 || w.gid === 0))
      unknowns.push({
        what: `squash mode of NFS export ${nfs.server}:${nfs.path}`,
        reason: `a writer with UID ${w.uid} GID ${w.gid ?? '?'} is squashed to the anonymous identity under root_squash, the default, and keeps root's power under no_root_squash`,
        dependsOn: `--nfs-squash ${nfs.server}:${nfs.path}=MODE (the export line on the server), or kubectl volsync-perms audit --probe`,
      });
    if (fsGroup !== null && m.storage.fsGroupApplied !== true)
      steps.push(
        step(
          'storage',
          `fsGroup on ${m.storage.key}`,
          fsGroup,
          `${m.storage.fsGroupApplied === false ? 'not applied' : 'may not be applied'}: ${m.storage.fsGroupWhy}; files there keep the writer's UID and primary GID`,
          'k8s-identity §4.1',
        ),
      );
    return { ...m, actors: nfsActors(nfs, w) };
  });
  return { steps, storage, unknowns };
}

function localActors(w: Writer): StorageActor[] {
  if (w.uid === null || w.gid === null || w.groups === null) return [];
  return [
    {
      assumes: null,
      actor: { uid: w.uid, gid: w.gid, groups: w.groups, capabilities: w.capabilities ?? [] },
      capabilitiesKnown: w.capabilities !== null,
    },
  ];
}

function nfsActors(nfs: NfsStorage, w: Writer): StorageActor[] {
  if (w.uid === null || w.gid === null || w.groups === null) return [];
  const cred = { uid: w.uid, gid: w.gid, groups: w.groups };
  const modes: [SquashMode | null, Squash][] = nfs.squash
    ? [[null, nfs.squash]]
    : squashModes.map((mode) => [mode, { mode, ...defaultAnon }]);
  return modes.map(([assumes, squash]) => {
    const c = resolveServerCredential(cred, squash, nfs.serverKind);
    return {
      assumes,
      actor: { uid: c.uid, gid: c.gid, groups: c.groups, capabilities: [], root: c.root },
      capabilitiesKnown: true,
    };
  });
}

function nfsStep(nfs: NfsStorage, w: Writer): TraceStep {
  const field = `nfs ${nfs.server}:${nfs.path}`;
  if (w.uid === null || w.gid === null)
    return step(
      'storage',
      field,
      nfs.squash?.mode ?? null,
      `the server maps an identity that is not known (${nfs.squashFrom})`,
      cite,
    );
  const id = `${w.uid}:${w.gid}`;
  const cred = { uid: w.uid, gid: w.gid, groups: w.groups ?? [w.gid] };
  if (nfs.squash) {
    const c = resolveServerCredential(cred, nfs.squash, nfs.serverKind);
    const as = `${c.uid}:${c.gid}`;
    const effect = c.root
      ? `${squashText(nfs.squash)}: UID 0 is root on the server: it reads, writes and chowns every file whatever its capabilities; new files are ${as}`
      : c.squashed
        ? `${squashText(nfs.squash)}: ${id} reaches the server as ${as}${w.uid === 0 || w.capabilities?.length ? ', without its capabilities: it cannot read other UIDs\u2019 0600 files or chown' : ''}; new files are ${as}`
        : `${squashText(nfs.squash)}: ${id} is not squashed; new files are ${as}`;
    return step('storage', field, nfs.squash.mode, `${effect} (${nfs.squashFrom})`, cite);
  }
  const under = (mode: SquashMode) => {
    const c = resolveServerCredential(cred, { mode, ...defaultAnon }, nfs.serverKind);
    return `${mode} ${c.root ? `${c.uid}:${c.gid} with root's power on the server` : `${c.uid}:${c.gid}`}`;
  };
  return step(
    'storage',
    field,
    null,
    `squash mode unknown; ${id} writes as: ${squashModes.map(under).join('; ')} (${nfs.squashFrom})`,
    cite,
  );
}
