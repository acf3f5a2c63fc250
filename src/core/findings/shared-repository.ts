import { pushTo } from '../multimap.js';
import type { ResolvedSubject } from '../report/subjects.js';
import type { MoverVolume } from '../volsync/mover-spec.js';
import {
  emit,
  identityAt,
  subjectRef,
  uidGid,
  type Emission,
  type FindingContext,
} from './context.js';

/** Keys that identify the storage a mover's repository lives on: Secret, PVC or NFS export. */
export function repositoryKeys(s: ResolvedSubject): string[] {
  const ns = s.subject.namespace;
  const keys: string[] = [];
  const secret = s.mover?.repositorySecret ?? s.maintenance?.repositorySecret;
  if (secret !== undefined)
    keys.push(
      s.mover?.mover === 'rclone'
        ? `rclone ${ns}/${secret} ${s.mover.rcloneDestPath ?? ''}`
        : `Secret ${ns}/${secret}`,
    );
  const b = s.kopiur?.repository?.backend;
  // kopiur mounts a filesystem repository's own volume (kopiur.md §5.1); an object store keeps no
  // file owners, so its writers' UIDs do not conflict
  if (b?.type === 'filesystem' && b.volume)
    keys.push(
      'nfs' in b.volume
        ? `NFS ${b.volume.nfs.server}:${b.volume.nfs.path.replace(/\/+$/, '') || '/'}`
        : `PVC ${ns}/${b.volume.pvc}`,
    );
  const vols: MoverVolume[] = s.mover?.moverVolumes ?? s.maintenance?.moverVolumes ?? [];
  for (const v of vols) {
    if (v.volume.nfs)
      keys.push(`NFS ${v.volume.nfs.server}:${v.volume.nfs.path.replace(/\/+$/, '') || '/'}`);
    else if (v.volume.claimName !== undefined) keys.push(`PVC ${ns}/${v.volume.claimName}`);
  }
  return keys;
}

function groupByRepository(
  subjects: ResolvedSubject[],
): { key: string; members: ResolvedSubject[] }[] {
  const byKey = new Map<string, ResolvedSubject[]>();
  for (const s of subjects) {
    if (s.mover && !['restic', 'kopia', 'rclone'].includes(s.mover.mover)) continue;
    for (const k of repositoryKeys(s)) pushTo(byKey, k, s);
  }
  return [...byKey].filter(([, m]) => m.length > 1).map(([key, members]) => ({ key, members }));
}

const ids = (s: ResolvedSubject) =>
  s.containers.map((c) => c.resolution.identity).filter((i) => i.uid !== null && i.gid !== null);

/**
 * VP003: movers that share a repository must run as the same UID/GID, or one cannot read what the
 * other writes (kopia: 0600 files; k8s-identity §4.2). VP011: the same for KopiaMaintenance
 * against the kopia movers it maintains (volsync-semantics §2.8, fork docs).
 */
export function findSharedRepositories(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const { key, members } of groupByRepository(ctx.subjects)) {
    const isMaintenance = (s: ResolvedSubject) =>
      s.maintenance !== undefined || s.kopiur?.job === 'maintenance';
    const movers = members.filter(
      (s) => s.mover !== undefined || (s.kopiur !== undefined && !isMaintenance(s)),
    );
    const maint = members.filter(isMaintenance);
    const describe = (list: ResolvedSubject[]) =>
      list
        .map((s) => `${subjectRef(s)} ${[...new Set(ids(s).map(uidGid))].join('/') || '?'}`)
        .join(', ');
    const moverIds = new Set(movers.flatMap((s) => ids(s).map(uidGid)));
    if (moverIds.size > 1) {
      out.push(
        emit('VP003', movers, {
          message: `${movers.length} movers share repository ${key} but run as different UID:GID: ${describe(movers)}`,
          objects: movers.map(subjectRef),
          fix: `give every mover of this repository the same ${movers.some((s) => s.kopiur) ? `runAsUser/runAsGroup (VolSync: moverSecurityContext, and no privileged annotation; kopiur: spec.mover or the repository moverDefaults${movers.some((s) => s.kopiur?.job === 'bootstrap') ? ', which alone sets the bootstrap Job' : ''})` : 'moverSecurityContext.runAsUser/runAsGroup (and no privileged annotation)'}, then repair ownership with kubectl volsync-perms fix-job`,
          ...(movers[0] ? identityAt(movers[0]) : {}),
        }),
      );
    }
    const fork = maint.filter((s) => s.maintenance !== undefined);
    const kopiur = maint.filter((s) => s.kopiur !== undefined);
    if (fork.length > 0 && kopiur.length > 0)
      out.push(
        emit('VP031', maint, {
          message: `repository ${key} has two maintenance owners: ${describe(fork)} (the VolSync fork) and ${describe(kopiur)} (kopiur); each rewrites kopia's maintenance files as its own UID, and the other then cannot read them`,
          objects: maint.map(subjectRef),
          fix: 'keep one owner: set spec.maintenance.enabled: false on the kopiur repository, or delete the KopiaMaintenance (kopiur docs: migrate volsync)',
          ...identityAt(kopiur[0] as ResolvedSubject),
        }),
      );
    for (const m of maint) {
      const mIds = new Set(ids(m).map(uidGid));
      const differing = movers.filter(
        (s) =>
          (s.mover?.mover === 'kopia' || s.kopiur !== undefined) &&
          ids(s).some((i) => !mIds.has(uidGid(i))),
      );
      if (differing.length === 0) continue;
      out.push(
        emit('VP011', [m, ...differing], {
          message: `${m.kopiur ? `kopiur maintenance of ${m.subject.kind}` : 'KopiaMaintenance'} ${m.subject.namespace}/${m.subject.name} runs as ${[...mIds].join(', ') || '?'} but maintains repository ${key} written by ${describe(differing)}`,
          objects: [subjectRef(m), ...differing.map(subjectRef)],
          fix: m.kopiur
            ? 'use one UID:GID for every writer of the repository and set it in the maintenance mover (spec.maintenance.mover or the repository moverDefaults)'
            : 'use one UID:GID for all kopia movers of the repository and set KopiaMaintenance spec.podSecurityContext to it',
          ...identityAt(m),
        }),
      );
    }
  }
  return out;
}
