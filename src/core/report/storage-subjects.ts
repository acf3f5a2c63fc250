import type { VolumeAccess } from '../identity/layers/storage.js';
import { asArray, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import { namespaceOf } from '../k8s/object.js';
import type { RunningSubject } from '../storage/attribution.js';
import { resolveMoverRuns } from '../storage/mover-runs.js';
import { moverWorkloadName } from '../volsync/build-mover-pod.js';
import { resolveWorkloadSubject, type ResolvedSubject, type SubjectContext } from './subjects.js';
import { podTemplateOf } from './workloads.js';
import { textOrder } from '../text-order.js';

const ownerKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

const fmt = (n: number | null) => (n === null ? '?' : String(n));

/** The volume of a subject's containers on `key`: a mover's data volume is its source PVC's files. */
function accessOn(s: ResolvedSubject, key: string): VolumeAccess | undefined {
  for (const c of s.containers) {
    for (const v of c.resolution.storage ?? []) {
      if (v.storage.key === key) return v;
      // VolSync reads a snapshot clone of sourcePVC (or writes destinationPVC): the same files
      const claim = s.mover?.dataPVC;
      if (
        v.volume === 'data' &&
        claim !== undefined &&
        key === `PVC ${s.subject.namespace}/${claim}`
      )
        return v;
    }
  }
  return undefined;
}

function runningSubject(
  ctx: SubjectContext,
  s: ResolvedSubject,
  v: VolumeAccess,
  role: string,
): RunningSubject {
  const id = s.containers[0]?.resolution.identity;
  const ns = s.subject.namespace;
  const workloads: KubeObject[] = [];
  if (s.mover) {
    const job = moverWorkloadName(s.mover);
    const w = ctx.index.get(s.containers[0]?.built?.workload.kind ?? 'Job', ns, job);
    if (w) workloads.push(w);
    const pod =
      s.containers[0]?.built &&
      ctx.index.moverPod(
        ns,
        s.containers[0].built.workload,
        s.containers[0].built.labels?.['app.kubernetes.io/name'] ?? s.mover.name,
      );
    if (pod) workloads.push(pod);
  }
  return {
    ref: `${s.subject.kind}/${ns}/${s.subject.name}`,
    role,
    identity: id ? `${fmt(id.uid)}:${fmt(id.gid)}` : '?',
    actors: v.actors,
    runs: s.mover ? resolveMoverRuns(s.object, workloads) : [],
    privileged: s.subject.privileged,
  };
}

/** Whether a workload's pod template mounts a volume whose storage is `key` (resolved by subjects). */
function mountsKey(o: KubeObject, key: string): boolean {
  const vols = asArray(path(podTemplateOf(o), 'volumes'));
  if (key.startsWith('PVC ')) {
    const claim = key.slice(key.indexOf('/') + 1);
    return vols.some((v) => path(v, 'persistentVolumeClaim', 'claimName') === claim);
  }
  return vols.some(
    (v) => path(v, 'nfs') !== undefined || path(v, 'persistentVolumeClaim') !== undefined,
  );
}

/**
 * Every subject that mounts the storage `key`: movers and KopiaMaintenances of every namespace
 * (a repository is shared across them), and the workloads that mount it (not VolSync's own pods,
 * not pods a controller owns), each with the identity it has there and the runs recorded for it.
 */
export function findStorageSubjects(
  ctx: SubjectContext,
  movers: readonly ResolvedSubject[],
  key: string,
): RunningSubject[] {
  const out: RunningSubject[] = [];
  for (const s of movers) {
    const v = accessOn(s, key);
    if (v) out.push(runningSubject(ctx, s, v, s.maintenance ? 'KopiaMaintenance' : 'mover'));
  }
  const pvcNs = key.startsWith('PVC ') ? key.slice(4, key.indexOf('/')) : undefined;
  for (const o of ctx.snapshot.objects) {
    if (!ownerKinds.has(o.kind) || (pvcNs !== undefined && namespaceOf(o) !== pvcNs)) continue;
    if (o.metadata.labels?.['app.kubernetes.io/created-by']?.includes('volsync') === true) continue;
    if (o.kind === 'Pod' && o.metadata.controlledBy !== undefined) continue;
    if (!mountsKey(o, key)) continue;
    let w: ResolvedSubject;
    try {
      w = resolveWorkloadSubject(ctx, o);
    } catch {
      continue; // a malformed workload is reported when it is the subject itself
    }
    const v = accessOn(w, key);
    if (v) out.push(runningSubject(ctx, w, v, 'workload'));
  }
  return out.sort((a, b) => textOrder(a.ref, b.ref));
}
