import { findStorageSubjects } from '../report/storage-subjects.js';
import type { Resolution } from '../identity/resolve.js';
import type { KubeObject } from '../k8s/object.js';
import { resolveWorkloadSubject, type ResolvedSubject } from '../report/subjects.js';
import { resolveForecast } from '../storage/forecast.js';
import { mayAccess } from '../storage/access.js';
import {
  emit,
  identityAt,
  subjectRef,
  uidGid,
  type Emission,
  type FindingContext,
} from './context.js';

const mib = (b: number) => `${Math.round(b / 1048576)} MiB`;

/**
 * VP022: a UID 0 mover whose NFS export squashes root: on the server it is the anonymous user
 * without capabilities, so it cannot read the 0600 files other UIDs wrote (kopia's blobs) and
 * chown fails; the privileged-movers annotation buys nothing there (k8s-identity §4.3).
 */
export function findSquashedRoot(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const r = s.containers[0]?.resolution;
    if (!r || r.identity.uid !== 0) continue;
    for (const v of r.storage ?? []) {
      const squash = v.storage.nfs?.squash;
      const a = v.actors[0]?.actor;
      if (!squash || squash.mode === 'no_root_squash' || !a || a.root === true) continue;
      out.push(
        emit('VP022', [s], {
          message: `${s.subject.kind} ${s.subject.name} runs as ${uidGid(r.identity)}, but ${v.storage.key} is exported ${squash.mode} (${v.storage.nfs?.squashFrom ?? ''}): there it reads and writes as ${a.uid}:${a.gid} without its capabilities, so it cannot read the 0600 files other UIDs wrote and cannot chown`,
          objects: [subjectRef(s)],
          fix: `run it as the owner of the files there (moverSecurityContext runAsUser and runAsGroup, without the privileged-movers annotation): root has no power on this export`,
          ...identityAt(s),
        }),
      );
    }
  }
  return out;
}

/**
 * VP023: an audit recorded for a volume (audit --run, or the demo's) shows files that a mover or
 * KopiaMaintenance sharing the storage cannot read: its next run fails, or skips them.
 */
export function findUnreadableAudited(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const audit of ctx.snapshot.storage?.audits ?? []) {
    const subjects = findStorageSubjects(ctx, ctx.subjects, audit.key).filter(
      (x) => x.role !== 'workload',
    );
    // subjects that meet the same files are one finding
    const groups = new Map<string, { to: ResolvedSubject[]; who: string[]; what: string }>();
    for (const f of resolveForecast(subjects, audit.summary.classes)) {
      const s = ctx.subjects.find((x) => subjectRef(x) === f.subject.ref);
      if (f.cannotRead.count === 0 || !s) continue;
      const owners = [
        ...new Set(
          f.cannotRead.classes.map(
            (c) => `${c.uid}:${c.gid} ${c.perm.toString(8).padStart(4, '0')}`,
          ),
        ),
      ];
      const what = `${thousands(f.cannotRead.count)} files and directories (${owners.join(', ')}, ${mib(f.cannotRead.bytes)})`;
      const g = groups.get(what) ?? { to: [], who: [], what };
      g.to.push(s);
      g.who.push(
        `${s.subject.kind} ${s.subject.namespace}/${s.subject.name} (${f.subject.identity})`,
      );
      groups.set(what, g);
    }
    for (const g of groups.values())
      out.push(
        emit('VP023', g.to, {
          message: `${g.who.join(', ')} cannot read ${g.what} on ${audit.key}, as the audit of the ${audit.target} found (${audit.source}): ${g.to.length > 1 ? 'their next runs fail' : 'its next run fails'} or skip${g.to.length > 1 ? '' : 's'} them`,
          objects: g.to.map(subjectRef),
          fix: `give the files back the owner the writers share: kubectl volsync-perms fix-job --from-audit on the ${audit.target} repairs exactly those files; then run every writer there as that owner`,
          ...(g.to[0] ? identityAt(g.to[0]) : {}),
        }),
      );
  }
  return out;
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Families whose data directory the server keeps private, by the server's own rule. */
const privateData: Record<string, { dir: string; mode: number; source: string }> = {
  postgres: {
    dir: 'PGDATA',
    mode: 0o700,
    // postgres refuses to start unless the data directory is 0700 or 0750 (its docs, "Creating a
    // Database Cluster"; src/backend/utils/init/miscinit.c checkDataDir)
    source: 'PostgreSQL docs "Creating a Database Cluster"; miscinit.c checkDataDir',
  },
};

/**
 * VP024: the mover of a database's volume runs as another identity than the database's service
 * user (its entrypoint switches to it) and cannot read the data directory the server keeps
 * private: the backup succeeds and silently skips the database. An inference from the image
 * family; an audit of the volume (VP023) says it for certain.
 */
export function findUnreadableDatabase(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const claim = s.mover?.dataPVC;
    if (claim === undefined || s.subject.kind !== 'ReplicationSource') continue;
    const data = s.containers[0]?.resolution.storage?.find((v) => v.volume === 'data');
    for (const w of ctx.index.claimUsers(s.subject.namespace, claim)) {
      const db = databaseWriter(ctx, w);
      if (!db || !data) continue;
      const dir = { type: 'd' as const, uid: db.uid, gid: db.gid, perm: db.rule.mode };
      const blocked =
        data.actors.length > 0 &&
        data.actors.every(
          (a) => !(mayAccess(a.actor, dir, 'read') && mayAccess(a.actor, dir, 'execute')),
        );
      if (!blocked) continue;
      const id = s.containers[0]?.resolution.identity;
      out.push(
        emit('VP024', [s], {
          message: `${s.subject.kind} ${s.subject.name} runs as ${id ? uidGid(id) : '?'}, but ${w.kind} ${w.metadata.name}, which mounts PVC ${claim}, is ${db.family}: it writes as ${db.uid}:${db.gid} and keeps ${db.rule.dir} ${db.rule.mode.toString(8).padStart(4, '0')}; the mover cannot read it, so the backup succeeds without the database (${db.rule.source}) [inference]`,
          objects: [subjectRef(s), `${w.kind}/${s.subject.namespace}/${w.metadata.name}`],
          fix: `set moverSecurityContext runAsUser: ${db.uid}, runAsGroup: ${db.gid} (the database's user), or back it up with the database's own dump tool`,
          ...identityAt(s),
        }),
      );
    }
  }
  return out;
}

/** The database a workload runs, by the identity its entrypoint switches to, if its data is private. */
export function privateDatabaseOf(r: Resolution) {
  const as = r.writesAs;
  const rule = as && privateData[as.family];
  return as && rule && as.uid !== null && as.gid !== null
    ? { family: as.family, uid: as.uid, gid: as.gid, rule }
    : undefined;
}

function databaseWriter(ctx: FindingContext, w: KubeObject) {
  let ws: ResolvedSubject;
  try {
    ws = resolveWorkloadSubject(ctx, w);
  } catch {
    return undefined; // a malformed workload is reported when it is the subject itself
  }
  for (const c of ws.containers) {
    const db = privateDatabaseOf(c.resolution);
    if (db) return db;
  }
  return undefined;
}
