import {
  annotationAt,
  at,
  emit,
  identityAt,
  subjectRef,
  uidGid,
  type Emission,
  type FindingContext,
} from './context.js';

/** Movers that write a repository (or synced files) with their own UID (volsync-semantics §2.3-2.8). */
const writesRepository = new Set(['restic', 'kopia', 'rclone', 'syncthing']);

/**
 * VP002: a repository-writing source mover (or KopiaMaintenance) at UID 0 leaves root-owned files
 * that movers at other UIDs cannot read (kopia writes 0600; k8s-identity §4.2, §4.4).
 * VP006: the legacy rsync mover is root whatever the annotation says (volsync-semantics §3).
 */
export function findRootWriters(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const m = s.mover;
    if (m?.mover === 'rsync') {
      out.push(
        emit('VP006', [s], {
          message: `${s.subject.kind} ${s.subject.name} uses the legacy rsync (ssh) mover, which always runs as UID 0 with 7 capabilities and an SCC grant, whatever the namespace annotation says`,
          objects: [subjectRef(s)],
          fix: 'switch to spec.rsyncTLS, which honours moverSecurityContext and runs unprivileged unless the namespace allows privileged movers',
          ...at(s.object, 'spec', 'rsync'),
        }),
      );
      continue;
    }
    const writes =
      (m !== undefined &&
        writesRepository.has(m.mover) &&
        (m.kind === 'ReplicationSource' || m.mover === 'syncthing')) ||
      s.maintenance !== undefined;
    if (!writes) continue;
    const root = s.containers.filter((c) => c.resolution.identity.uid === 0);
    if (root.length === 0) continue;
    const id = root[0]?.resolution.identity;
    const target = m?.mover === 'syncthing' ? 'the files it syncs' : 'repository files it writes';
    out.push(
      emit('VP002', [s], {
        message: `${s.subject.kind} ${s.subject.name} runs as UID 0 (${id ? uidGid(id) : '?'}): ${target} are owned by root, and movers or maintenance at another UID get "permission denied" on them`,
        objects: [subjectRef(s)],
        fix: s.subject.privileged
          ? 'run it unprivileged with moverSecurityContext.runAsUser/runAsGroup set to the repository owner (remove the namespace annotation or scope it)'
          : 'set moverSecurityContext.runAsUser and runAsGroup to the owner of the data and the repository',
        ...(s.subject.privileged
          ? annotationAt(ctx, s.subject.namespace)
          : identityAt(s, 'runAsUser')),
      }),
    );
  }
  return out;
}
