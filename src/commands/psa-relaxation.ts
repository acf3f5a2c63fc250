import { hostname } from 'node:os';
import { AccessError } from '../adapters/cluster/errors.js';
import type { ClusterWrites } from '../adapters/cluster/writes.js';
import { keepObject } from '../adapters/keep-object.js';
import type { PodSecurityVerdict } from '../core/admission/pod-security.js';
import type { KubeObject } from '../core/k8s/object.js';
import {
  isAbandoned,
  planRelax,
  planRestore,
  readRelaxRecord,
  relaxAnnotation,
  type RelaxRecord,
} from '../core/plans/psa-relax.js';
import { ApplyRefused } from '../errors.js';
import type { Deps } from './deps.js';

// The Pod Security relaxation of fix-job --relax-psa, around the decisions of core/plans/psa-relax:
// recorded before the labels change, renewed while the tool waits, restored after, and found and
// undone by the next run when the process that made it died (DESIGN.md §8).

/** How long a relaxation outlives a holder that stopped renewing it (killed on another host). */
export const leaseSeconds = 30;
/** How often a waiting holder renews its lease. */
export const renewEveryMs = 10_000;

/** A relaxation left by a run that died: with --apply restore it (and remove its Job), else say so. */
export async function recoverAbandoned(
  acting: boolean,
  deps: Deps,
  api: ClusterWrites,
  ns: string,
): Promise<Record<string, unknown> | undefined> {
  const raw = await api.readNamespace(ns).catch((e: unknown) => {
    // a preview goes on without the record; acting on the namespace needs to read it
    if (acting || !(e instanceof AccessError)) throw e;
    return undefined;
  });
  const obj = raw && keepObject(raw, undefined);
  const record = readRelaxRecord(obj);
  if (record === undefined) return undefined;
  if (record === 'malformed')
    throw new ApplyRefused(
      `Namespace ${ns}: the annotation volsync-perms.io/pod-security-relaxed is unreadable; check the pod-security labels by hand, then remove the annotation`,
    );
  const alive = record.holder.host === hostname() ? processAlive(record.holder.pid) : undefined;
  const abandoned = isAbandoned(
    record,
    { nowMs: Date.now(), renewedMs: Date.parse(record.renewTime) },
    alive,
  );
  const was = describePrevious(record);
  if (!abandoned) {
    if (acting)
      throw new ApplyRefused(
        `Namespace ${ns}: another fix-job run (${record.holder.host} pid ${record.holder.pid}) has relaxed Pod Security for Job ${record.job}; wait for it to finish`,
      );
    return undefined;
  }
  if (!acting) {
    deps.stderr.write(
      `warning: Namespace ${ns}: a fix-job run that died left Pod Security relaxed to baseline (it was ${was}); run with --apply to restore it\n`,
    );
    return undefined;
  }
  await api.deleteJob(ns, record.job);
  await patchOrRefuse(api, ns, planRestore(record));
  deps.stderr.write(
    `Namespace ${ns}: restored Pod Security (${was}) left relaxed by a fix-job run that died; deleted its Job ${record.job}\n`,
  );
  return api.readNamespace(ns);
}

export async function relax(
  deps: Deps,
  api: ClusterWrites,
  nsObj: KubeObject,
  nsRaw: Record<string, unknown>,
  verdict: PodSecurityVerdict,
  job: string,
): Promise<RelaxRecord> {
  const ns = nsObj.metadata.name;
  const rv = (nsRaw['metadata'] as { resourceVersion?: string }).resourceVersion;
  const plan = planRelax(
    nsObj,
    verdict,
    { job, holder: { host: hostname(), pid: process.pid }, renewTime: now(), leaseSeconds },
    rv,
  );
  if (!plan)
    throw new ApplyRefused(
      `Job ${ns}/${job}: baseline would not admit its pods either (${verdict.violations.join('; ')}); fix the Job, never relax to privileged`,
    );
  await patchOrRefuse(api, ns, plan.patch);
  deps.stderr.write(
    `Namespace ${ns}: Pod Security enforce=baseline for the Job's lifetime (was ${describePrevious(plan.record)}; recorded in annotation volsync-perms.io/pod-security-relaxed)\n`,
  );
  return plan.record;
}

export async function restore(
  deps: Deps,
  api: ClusterWrites,
  ns: string,
  record: RelaxRecord,
): Promise<void> {
  await patchOrRefuse(api, ns, planRestore(record));
  deps.stderr.write(`Namespace ${ns}: Pod Security restored (${describePrevious(record)})\n`);
}

async function patchOrRefuse(api: ClusterWrites, ns: string, patch: Record<string, unknown>) {
  if ((await api.patchNamespace(ns, patch)) === 'conflict')
    throw new ApplyRefused(`Namespace ${ns}: changed since it was read; run the command again`);
}

/** Moves the lease's renewTime forward, so other runs know the holder is alive. */
export async function renewRelaxation(api: ClusterWrites, ns: string, r: RelaxRecord) {
  r.renewTime = now();
  await patchOrRefuse(api, ns, {
    metadata: { annotations: { [relaxAnnotation]: JSON.stringify(r) } },
  });
}

function describePrevious(r: RelaxRecord): string {
  const parts = Object.entries(r.previous).map(([k, v]) =>
    v === null ? `no ${k.split('/')[1] ?? k}` : `${k.split('/')[1] ?? k}=${v}`,
  );
  return parts.join(', ');
}

/** Whether a process of this host is alive (EPERM: alive, another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const now = () => new Date().toISOString();
