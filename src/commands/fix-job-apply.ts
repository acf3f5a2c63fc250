import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../adapters/cluster/client.js';
import { AccessError, ForbiddenError } from '../adapters/cluster/errors.js';
import { ClusterWrites } from '../adapters/cluster/writes.js';
import { keepObject } from '../adapters/keep-object.js';
import { admits, type PodSecurityVerdict } from '../core/admission/pod-security.js';
import { fixJobPod, managedBy, planFixJob, resolveFixPodSecurity } from '../core/plans/fix-job.js';
import { jobState, parseFixSummary, type FixSummary } from '../core/plans/job-state.js';
import {
  enforceLevel,
  isAbandoned,
  planRelax,
  planRestore,
  readRelaxRecord,
  relaxAnnotation,
  type RelaxRecord,
} from '../core/plans/psa-relax.js';
import type { KubeObject } from '../core/k8s/object.js';
import type { ServerDryRun } from '../core/snapshot.js';
import { CliError, exitCodes } from '../errors.js';
import { renderFixJobPreview } from '../render/fix-job-preview.js';
import type { FixPlan } from '../core/plans/fix-plan.js';
import { write, type Deps } from './deps.js';
import type { FixJobArgs } from './fix-job.js';
import { resolvePaint } from './global-options.js';
import { parseRequestTimeout } from './request-timeout.js';

/** How long a relaxation outlives a holder that stopped renewing it (killed on another host). */
const leaseSeconds = 30;
const renewEveryMs = 10_000;
const pollMs = 1_000;

const refused = (message: string) => new CliError(message, exitCodes.applyRefused);

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
  if (!nsRaw) throw refused(`Namespace ${ns}: not found; create it or pass the right -n`);
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
        throw refused(
          `Job ${ns}/${name}: namespace ${ns} would reject its pods${rejected === undefined ? '' : ` (${rejected})`}; pass --relax-psa to set enforce=baseline for the Job's lifetime, or run it in a namespace at baseline`,
        );
      record = await relax(deps, api, nsObj, nsRaw, verdict, name);
      const again = await dryRun(client, ns, job);
      if (typeof again !== 'string' && !again.admitted)
        throw refused(
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
    return await waitForJob(
      r,
      { name, uid },
      plan.options.deadlineSeconds,
      record,
      deps.interrupt?.signal,
    );
  } finally {
    if (record) await restore(deps, api, ns, record);
    release?.();
  }
}

/** The server's dry-run verdict on the Job's pod, or why it could not be asked (RBAC). */
async function dryRun(
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

/** A relaxation left by a run that died: with --apply restore it (and remove its Job), else say so. */
async function recoverAbandoned(
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
    throw refused(
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
      throw refused(
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

async function clearFinishedJob(api: ClusterWrites, ns: string, name: string): Promise<void> {
  const existing = await api.readJob(ns, name);
  if (!existing) return;
  const labels = (existing['metadata'] as { labels?: Record<string, string> }).labels ?? {};
  const ours = Object.entries(managedBy).every(([k, v]) => labels[k] === v);
  if (!ours)
    throw refused(
      `Job ${ns}/${name}: exists and was not created by kubectl-volsync-perms; rename or delete it`,
    );
  if (jobState(existing).phase === 'running')
    throw refused(
      `Job ${ns}/${name}: already repairing this volume; wait for it (kubectl logs -f job/${name} -n ${ns}) or delete it`,
    );
  await api.deleteJob(ns, name);
}

async function relax(
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
    throw refused(
      `Job ${ns}/${job}: baseline would not admit its pods either (${verdict.violations.join('; ')}); fix the Job, never relax to privileged`,
    );
  await patchOrRefuse(api, ns, plan.patch);
  deps.stderr.write(
    `Namespace ${ns}: Pod Security enforce=baseline for the Job's lifetime (was ${describePrevious(plan.record)}; recorded in annotation volsync-perms.io/pod-security-relaxed)\n`,
  );
  return plan.record;
}

async function restore(
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
    throw refused(`Namespace ${ns}: changed since it was read; run the command again`);
}

/**
 * Polls the Job until it ends, streaming its pod's log to stderr as progress once the pod exists
 * and renewing the relaxation lease; Ctrl-C and --timeout end it early.
 */
async function waitForJob(
  r: JobRun,
  { name, uid }: { name: string; uid: string },
  deadlineSeconds: number,
  record: RelaxRecord | undefined,
  signal: AbortSignal | undefined,
): Promise<FixSummary | undefined | number> {
  const { a, deps, api, ns } = r;
  const timeoutMs = parseRequestTimeout(a.timeout, '--timeout') || (deadlineSeconds + 60) * 1000;
  const started = Date.now();
  let renewed = started;
  const log = new LogFollower(deps, api, ns, name, uid, a.v > 0);
  try {
    for (;;) {
      if (signal?.aborted) {
        await api.deleteJob(ns, name);
        deps.stderr.write(`Interrupted: deleted Job ${ns}/${name}\n`);
        return exitCodes.interrupted;
      }
      if (Date.now() - started > timeoutMs) {
        await api.deleteJob(ns, name);
        throw new CliError(
          `Job ${ns}/${name}: did not finish within ${a.timeout === '0' ? 'its deadline' : a.timeout}; deleted it. Raise --timeout, or check why its pod does not run (kubectl describe job ${name} -n ${ns})`,
          exitCodes.cluster,
        );
      }
      const current = await api.readJob(ns, name);
      if (!current)
        throw new CliError(
          `Job ${ns}/${name}: deleted while the tool waited for it; run fix-job again`,
          exitCodes.cluster,
        );
      const state = jobState(current);
      if (state.phase !== 'running') return await finish(api, ns, name, state, await log.all());
      await log.start();
      if (record && Date.now() - renewed >= renewEveryMs) {
        renewed = Date.now();
        record.renewTime = now();
        await patchOrRefuse(api, ns, {
          metadata: { annotations: { [relaxAnnotation]: JSON.stringify(record) } },
        });
      }
      await sleep(pollMs, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
  } finally {
    log.stop();
  }
}

/** The Job pod's log on stderr as it is written; what the stream missed is read at the end. */
class LogFollower {
  private text = '';
  private following: Promise<boolean> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: Deps,
    private readonly api: ClusterWrites,
    private readonly ns: string,
    private readonly job: string,
    private readonly uid: string,
    private readonly verbose: boolean,
  ) {}

  /** Starts following once the job controller has created the pod. */
  async start(): Promise<void> {
    if (this.following) return;
    const pod = await this.api.readJobPodName(this.ns, this.job, this.uid);
    if (pod === undefined) return;
    if (this.verbose) this.deps.stderr.write(`I following the log of Pod ${this.ns}/${pod}\n`);
    this.following = this.api.followPodLog(
      this.ns,
      pod,
      (chunk) => {
        this.text += chunk;
        this.deps.stderr.write(chunk);
      },
      this.abort.signal,
    );
  }

  /** The whole log: the stream's, once it ends (briefly awaited), else read in one request. */
  async all(): Promise<string | undefined> {
    if (this.following) await Promise.race([this.following, sleep(2000)]);
    if (this.text !== '') return this.text;
    const log = await this.api.readJobLog(this.ns, this.job, this.uid);
    if (log !== undefined) this.deps.stderr.write(log.endsWith('\n') ? log : `${log}\n`);
    return log;
  }

  stop(): void {
    this.abort.abort();
  }
}

/** The summary of the Job's log; a failed Job is kept for inspection, a succeeded one deleted. */
async function finish(
  api: ClusterWrites,
  ns: string,
  name: string,
  state: ReturnType<typeof jobState>,
  log: string | undefined,
): Promise<FixSummary | undefined> {
  const summary = log === undefined ? undefined : parseFixSummary(log);
  if (state.phase === 'failed')
    throw new CliError(
      `Job ${ns}/${name}: failed (${state.reason})${summary ? `: ${summary.failed} files could not be changed` : ''}; it is kept for inspection: kubectl describe job ${name} -n ${ns}`,
      exitCodes.cluster,
    );
  await api.deleteJob(ns, name);
  return summary;
}

function describePrevious(r: RelaxRecord): string {
  const parts = Object.entries(r.previous).map(([k, v]) =>
    v === null ? `no ${k.split('/')[1] ?? k}` : `${k.split('/')[1] ?? k}=${v}`,
  );
  return parts.join(', ');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const now = () => new Date().toISOString();
