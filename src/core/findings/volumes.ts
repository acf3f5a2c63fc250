import { asString, path } from '../k8s/json.js';
import type { Volume } from '../k8s/types.js';
import { resolveWorkloadSubject, type ResolvedSubject } from '../report/subjects.js';
import { privateDatabaseOf } from './storage.js';
import {
  emit,
  identityAt,
  subjectRef,
  uidGid,
  type Emission,
  type FindingContext,
} from './context.js';

/** The in-tree NFS plugin never applies fsGroup: inline nfs, or a PVC bound to a PV with spec.nfs (k8s-identity §4.1). */
function inTreeNfs(ctx: FindingContext, ns: string, v: Volume): string | undefined {
  if (v.nfs) return `nfs ${v.nfs.server}:${v.nfs.path}`;
  if (v.claimName === undefined) return undefined;
  const pvc = ctx.index.get('PersistentVolumeClaim', ns, v.claimName);
  const pvName = asString(path(pvc?.spec, 'volumeName'));
  const pv = pvName === undefined ? undefined : ctx.index.get('PersistentVolume', '', pvName);
  const server = asString(path(pv?.spec, 'nfs', 'server'));
  return server === undefined
    ? undefined
    : `PVC ${v.claimName} (PV ${pvName ?? ''}, nfs ${server}:${asString(path(pv?.spec, 'nfs', 'path')) ?? ''})`;
}

/**
 * VP008: fsGroup is set but a volume is in-tree NFS, where the kubelet chowns nothing: files keep
 * the writer's UID and primary GID (k8s-identity §4.1-4.3).
 */
export function findNfsFsGroup(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const c = s.containers[0];
    if (!c || c.resolution.identity.fsGroup === null) continue;
    const nfs = (c.pod.volumes ?? [])
      .map((v) => inTreeNfs(ctx, s.subject.namespace, v))
      .filter((x): x is string => x !== undefined);
    if (nfs.length === 0) continue;
    const id = c.resolution.identity;
    out.push(
      emit('VP008', [s], {
        message: `${s.subject.kind} ${s.subject.name} sets fsGroup ${id.fsGroup ?? ''}, but the kubelet never applies fsGroup to ${nfs.join(', ')}: new files there are owned ${uidGid(id)} (UID and primary GID of the process)`,
        objects: [subjectRef(s)],
        fix: 'set runAsUser and runAsGroup to the owner the NFS export expects (fsGroup does not help there), or use a CSI NFS driver with fsGroupPolicy File',
        ...identityAt(s, 'fsGroup'),
      }),
    );
  }
  return out;
}

/**
 * VP010: the mover should run as the workload that owns the data (VolSync docs advise matching);
 * otherwise backups miss files or restores are unreadable by the app.
 */
export function findWorkloadMismatch(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const claim = s.mover?.dataPVC;
    const mover = s.containers[0]?.resolution.identity;
    if (claim === undefined || !mover || mover.uid === null) continue;
    for (const w of ctx.index.claimUsers(s.subject.namespace, claim)) {
      let ws: ResolvedSubject;
      try {
        ws = resolveWorkloadSubject(ctx, w);
      } catch {
        continue; // a malformed workload is reported when it is the subject itself
      }
      // the identity that writes the app's files: its entrypoint's switch (PUID/PGID), else the process
      const r = ws.containers.find((c) => !c.report.workload.startsWith('init'))?.resolution;
      const app = r && (r.writesAs ? { ...r.identity, ...r.writesAs } : r.identity);
      // a database that keeps its data private is VP024's
      if (!app || app.uid === null || privateDatabaseOf(r)) continue;
      if (
        app.uid === mover.uid &&
        (app.gid === null || mover.gid === null || app.gid === mover.gid)
      )
        continue;
      const none = s.mover?.moverSecurityContext === undefined ? ' (no moverSecurityContext)' : '';
      out.push(
        emit('VP010', [s], {
          message: `${s.subject.kind} ${s.subject.name} runs as ${uidGid(mover)}${none}, but ${w.kind} ${w.metadata.name}, which mounts PVC ${claim}, ${r.writesAs ? `writes its files as ${uidGid(app)} (its ${r.writesAs.family} entrypoint switches to it)` : `runs as ${uidGid(app)}`}: ${s.subject.kind === 'ReplicationDestination' ? 'restored files may be unreadable by the app' : 'the backup may miss files the app keeps private'}`,
          objects: [subjectRef(s), `${w.kind}/${s.subject.namespace}/${w.metadata.name}`],
          fix: `set moverSecurityContext runAsUser: ${app.uid}${app.gid === null ? '' : `, runAsGroup: ${app.gid}`}${app.fsGroup === null ? '' : `, fsGroup: ${app.fsGroup}`} to match the workload`,
          ...identityAt(s),
        }),
      );
    }
  }
  return out;
}
