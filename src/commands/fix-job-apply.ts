import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../adapters/cluster/client.js';
import { ForbiddenError } from '../adapters/cluster/errors.js';
import { ClusterWrites } from '../adapters/cluster/writes.js';
import { keepObject } from '../adapters/keep-object.js';
import {
  admits,
  type PodSecurityLevel,
  type PodSecurityVerdict,
} from '../core/admission/pod-security.js';
import { fixJobPod, managedBy, planFixJob, resolveFixPodSecurity } from '../core/plans/fix-job.js';
import { jobState, parseFixSummary, type FixSummary } from '../core/plans/job-state.js';
import { enforceLevel, judgedAtLevelBefore, type RelaxRecord } from '../core/plans/psa-relax.js';
import type { KubeObject } from '../core/k8s/object.js';
import type { ServerDryRun } from '../core/snapshot.js';
import { ApplyRefused, exitCodes } from '../errors.js';
import { renderFixJobPreview } from '../render/fix-job-preview.js';
import type { FixPlan } from '../core/plans/fix-plan.js';
import { write, type Deps } from './deps.js';
import type { FixJobArgs } from './fix-job.js';
import { resolvePaint } from './global-options.js';
import { waitForJob } from './job-wait.js';
import {
  recoverAbandoned,
  relax,
  renewEveryMs,
  renewRelaxation,
  restore,
} from './psa-relaxation.js';
import { parseRequestTimeout } from './request-timeout.js';

/**
 * The cluster half of fix-job: the preview with the server's own dry-run verdict, then the count
 * Job (--count) or the repair Job (--apply, and with --wait its outcome), always leaving Pod
 * Security labels as found.
 */
export async function runFixJobOnCluster(
  a: FixJobArgs,
  deps: Deps,
  plan: FixPlan,
  client: KubeClient,
): Promise<number> {
  const api = new ClusterWrites(client);
  const ns = plan.target.namespace;
  const name = (plan.job['metadata'] as { name: string }).name;
  const dry = await dryRun(client, ns, plan.job);
  write(
    deps.stdout,
    renderFixJobPreview(
      plan,
      {
        relax: a['relax-psa'],
        ...(typeof dry === 'string' ? { serverDryRunSkipped: dry } : { serverDryRun: dry }),
      },
      resolvePaint(a, deps),
    ),
  );
  const acting = a.apply || a.count;
  const restored = await recoverAbandoned(acting, deps, api, ns);
  if (!acting) {
    deps.stderr.write(
      `Nothing was changed. Run again with --count to count the files it would change, or --apply --wait to create Job ${ns}/${name} and wait for it.\n`,
    );
    return exitCodes.ok;
  }
  const run = { a, deps, api, client, ns, restored };
  if (a.count) {
    const job = planFixJob(plan.target, { ...plan.options, mode: 'count' });
    const summary = await runJob(run, job, resolveFixPodSecurity(job), true, plan);
    if (typeof summary === 'number') return summary;
    write(
      deps.stdout,
      summary
        ? `Count: ${summary.changed} of ${summary.scanned} files would change (${summary.failed} unreadable); nothing was changed\n`
        : 'Count: the count Job succeeded but its log is not readable (the pod is gone or the kubelet unreachable), so the count is unknown\n',
    );
    return a['exit-code'] && (summary?.changed ?? 1) > 0 ? exitCodes.findings : exitCodes.ok;
  }
  const summary = await runJob(run, plan.job, plan.podSecurity.verdict, a.wait, plan);
  if (typeof summary === 'number') return summary;
  write(
    deps.stdout,
    summary
      ? `Job ${ns}/${name} succeeded: ${summary.changed} of ${summary.scanned} files changed; volume root now ${summary.root}\n`
      : `Job ${ns}/${name} succeeded; its log is not readable (the pod is gone or the kubelet unreachable), so the counts are unknown\n`,
  );
  return exitCodes.ok;
}

interface JobRun {
  a: FixJobArgs;
  deps: Deps;
  api: ClusterWrites;
  client: KubeClient;
  ns: string;
  /** The Namespace as read after restoring an abandoned relaxation, if there was one. */
  restored: Record<string, unknown> | undefined;
}

/**
 * Creates one Job, relaxing Pod Security first when asked and needed, and with `wait` follows it
 * to its end: the summary of its log (undefined when unreadable), or the exit code to end with.
 */
async function runJob(
  r: JobRun,
  job: Record<string, unknown>,
  verdict: PodSecurityVerdict,
  wait: boolean,
  plan: FixPlan,
): Promise<FixSummary | undefined | number> {
  const { a, deps, api, client, ns } = r;
  const name = (job['metadata'] as { name: string }).name;
  const nsRaw = r.restored ?? (await api.readNamespace(ns));
  if (!nsRaw) throw new ApplyRefused(`Namespace ${ns}: not found; create it or pass the right -n`);
  const nsObj = keepObject(nsRaw, undefined) as KubeObject;
  await clearFinishedJob(api, ns, name);
  const { level } = enforceLevel(nsObj);
  const dry = await dryRun(client, ns, job);
  // without the right to create pods the model's verdict stands alone
  const rejected = typeof dry !== 'string' && !dry.admitted ? dry.message : undefined;
  const release = deps.interrupt?.hold();
  let record: RelaxRecord | undefined;
  try {
    if (!(level !== undefined && admits(level, verdict)) || rejected !== undefined) {
      if (!a['relax-psa'])
        throw new ApplyRefused(
          `Job ${ns}/${name}: namespace ${ns} would reject its pods${rejected === undefined ? '' : ` (${rejected})`}; pass --relax-psa to set enforce=baseline for the Job's lifetime, or run it in a namespace at baseline`,
        );
      record = await relax(deps, api, nsObj, nsRaw, verdict, name);
      const again = await dryRunRelaxed(client, ns, job, level);
      if (typeof again !== 'string' && !again.admitted)
        throw new ApplyRefused(
          `Job ${ns}/${name}: still rejected at enforce=baseline: ${again.message}; something else than Pod Security (a webhook or policy) refuses it`,
        );
    }
    const created = await api.createJob(job);
    const uid = (created['metadata'] as { uid: string }).uid;
    deps.stderr.write(`job.batch/${name} created in namespace ${ns}\n`);
    if (!wait) {
      deps.stderr.write(`Follow it with: kubectl logs -f job/${name} -n ${ns}\n`);
      return exitCodes.ok;
    }
    const relaxed = record;
    const done = await waitForJob(
      deps,
      api,
      { ns, name, uid },
      {
        timeoutMs:
          parseRequestTimeout(a.timeout, '--timeout') || (plan.options.deadlineSeconds + 60) * 1000,
        timeoutText: a.timeout === '0' ? 'its deadline' : a.timeout,
        verbose: a.v > 0,
        signal: deps.interrupt?.signal,
        ...(relaxed && {
          renew: { everyMs: renewEveryMs, run: () => renewRelaxation(api, ns, relaxed) },
        }),
        failure: (log) => {
          const s = parseFixSummary(log);
          return s ? `${s.failed} files could not be changed` : '';
        },
        rerun: 'fix-job',
      },
    );
    if (typeof done === 'number') return done;
    return done.log === undefined ? undefined : parseFixSummary(done.log);
  } finally {
    if (record) await restore(deps, api, ns, record);
    release?.();
  }
}

/** The server's dry-run verdict on the Job's pod, or why it could not be asked (RBAC). */
export async function dryRun(
  client: KubeClient,
  ns: string,
  job: Record<string, unknown>,
): Promise<ServerDryRun | string> {
  try {
    return await client.dryRunPod(ns, fixJobPod(job));
  } catch (e) {
    if (e instanceof ForbiddenError)
      return `not run: RBAC forbids ${e.permission} (even as a dry run); the Pod Security model decides`;
    throw e;
  }
}

/**
 * The dry run right after Pod Security was relaxed, asked again while the server still judges at
 * the level before (judgedAtLevelBefore), waiting longer each time, for up to `patienceMs`; any
 * other answer is the answer.
 */
export async function dryRunRelaxed(
  client: KubeClient,
  ns: string,
  job: Record<string, unknown>,
  before: PodSecurityLevel | undefined,
  patienceMs = 10_000,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<ServerDryRun | string> {
  let waited = 0;
  for (let delay = 50; ; delay *= 2) {
    const r = await dryRun(client, ns, job);
    const stale = typeof r !== 'string' && !r.admitted && judgedAtLevelBefore(r.message, before);
    if (!stale || waited >= patienceMs) return r;
    const ms = Math.min(delay, patienceMs - waited);
    await wait(ms);
    waited += ms;
  }
}

export async function clearFinishedJob(
  api: ClusterWrites,
  ns: string,
  name: string,
): Promise<void> {
  const existing = await api.readJob(ns, name);
  if (!existing) return;
  const labels = (existing['metadata'] as { labels?: Record<string, string> }).labels ?? {};
  const ours = Object.entries(managedBy).every(([k, v]) => labels[k] === v);
  if (!ours)
    throw new ApplyRefused(
      `Job ${ns}/${name}: exists and was not created by kubectl-volsync-perms; rename or delete it`,
    );
  if (jobState(existing).phase === 'running')
    throw new ApplyRefused(
      `Job ${ns}/${name}: already running for this volume; wait for it (kubectl logs -f job/${name} -n ${ns}) or delete it`,
    );
  await api.deleteJob(ns, name);
}
