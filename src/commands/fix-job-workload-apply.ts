import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../adapters/cluster/client.js';
import { AccessError, ClusterError } from '../adapters/cluster/errors.js';
import { ClusterWrites, type WorkloadRef } from '../adapters/cluster/writes.js';
import { keepObject } from '../adapters/keep-object.js';
import { admits } from '../core/admission/pod-security.js';
import { path } from '../core/k8s/json.js';
import { namespaceOf, type KubeObject } from '../core/k8s/object.js';
import type { FixPlan } from '../core/plans/fix-plan.js';
import { managedBy } from '../core/plans/fix-job.js';
import { parseFixSummary } from '../core/plans/job-state.js';
import { enforceLevel, type RelaxRecord } from '../core/plans/psa-relax.js';
import {
  findWorkloadChange,
  isScaleAbandoned,
  planRenewScale,
  planScaleDown,
  planScaleUp,
  readScaleRecord,
  scaleRecordAnnotation,
  type ScaleRecord,
} from '../core/plans/scale-record.js';
import {
  planWorkloadFix,
  type WorkloadFacts,
  type WorkloadFixOptions,
  type WorkloadFixPlan,
  type WorkloadRequest,
} from '../core/plans/workload-fix-plan.js';
import { resolveStopped } from '../core/plans/workload-stopped.js';
import type { ServerDryRun, Snapshot } from '../core/snapshot.js';
import { ApplyRefused, CliError, exitCodes, InputError } from '../errors.js';
import { renderWorkloadFixPreview } from '../render/fix-workload-preview.js';
import type { ClusterSource } from './cluster-source.js';
import { write, type Deps } from './deps.js';
import { clearFinishedJob, dryRun, dryRunRelaxed } from './fix-job-apply.js';
import type { FixJobArgs } from './fix-job.js';
import { printJobs } from './fix-job-workload.js';
import { resolvePaint } from './global-options.js';
import { waitForJob } from './job-wait.js';
import {
  leaseSeconds,
  processAlive,
  recoverAbandoned,
  relax,
  renewEveryMs,
  renewRelaxation,
  restore,
} from './psa-relaxation.js';
import { parseRequestTimeout } from './request-timeout.js';
import { withFlagFacts } from './storage-facts.js';

// The cluster half of fix-job sts/NAME (deploy/NAME): the preview with the server's verdicts and
// the workload as the server has it (managedFields, autoscalers, a dead run's record), then with
// --apply: every check before the workload is touched, the record written with the scale-down,
// the repairs one Job at a time, and, whatever happens, Pod Security and the replicas restored.

const pollMs = 1_000;
/** How long pods may take to go beyond their terminationGracePeriodSeconds, by default. */
const stopSlackSeconds = 120;

interface WorkloadRun {
  request: WorkloadRequest;
  options: WorkloadFixOptions;
  cluster: ClusterSource;
}

const jobName = (p: FixPlan) => (p.job['metadata'] as { name: string }).name;
const describe = (w: WorkloadRef) => `${w.kind} ${w.namespace}/${w.name}`;
const now = () => new Date().toISOString();
const replicas = (n: number) => `${n} replica${n === 1 ? '' : 's'}`;

/** Preview on the cluster and, with --apply, the run; returns the exit code. */
export async function runFixWorkloadOnCluster(
  a: FixJobArgs,
  deps: Deps,
  { request, options, cluster }: WorkloadRun,
): Promise<number> {
  const api = new ClusterWrites(cluster.client);
  const ref: WorkloadRef = { kind: request.kind, namespace: request.namespace, name: request.name };
  const read = withFlagFacts(a, await cluster.read({ all: false, namespace: ref.namespace }));
  const live = await readLive(api, ref, a.apply);
  const snapshot = live.raw === 'forbidden' ? read : withWorkload(read, live.raw);
  const record = live.raw === 'forbidden' ? undefined : readScaleRecord(annotationsOf(live.raw));
  const facts: WorkloadFacts = {
    // a PVC list RBAC refused leaves every claim unknown, not absent
    claimsComplete: !read.unknowns.some((u) => u.dependsOn.includes('persistentvolumeclaims')),
    ...(typeof record === 'object' && { recordedReplicas: record.replicas }),
  };
  const plan = planWorkloadFix(snapshot, request, options, {
    ...facts,
    ...(live.autoscalers !== 'forbidden' && { autoscalers: live.autoscalers }),
    ...(live.raw !== 'forbidden' && { managedFields: managedFieldsOf(live.raw) }),
  });
  if (printJobs(a, deps, plan)) return exitCodes.ok;
  const serverDryRun: Record<string, ServerDryRun | string> = {};
  for (const { plan: p } of plan.repairs)
    serverDryRun[jobName(p)] = await dryRun(cluster.client, ref.namespace, p.job);
  write(
    deps.stdout,
    renderWorkloadFixPreview(plan, { relax: a['relax-psa'], serverDryRun }, resolvePaint(a, deps)),
  );
  const restored = await recoverAbandoned(a.apply, deps, api, ref.namespace);
  const raw =
    live.raw === 'forbidden'
      ? undefined
      : await recoverScale(a.apply, deps, api, ref, live.raw, record);
  if (!a.apply || raw === undefined) {
    const n = plan.repairs.length;
    deps.stderr.write(
      `Nothing was changed. Run again with --apply to ${plan.scales ? `scale ${describe(ref)} to 0, ` : ''}run the ${n} repair Job${n === 1 ? '' : 's'} one after another${plan.scales ? ` and scale it back to ${plan.replicas}` : ''}.\n`,
    );
    return exitCodes.ok;
  }
  const rejected = Object.values(serverDryRun).some((d) => typeof d === 'object' && !d.admitted);
  const run = { a, deps, api, client: cluster.client, ref, request, options, snapshot, facts };
  return applyPlan({ ...run, plan, raw }, { restored, rejected });
}

/** The workload, its autoscalers; a preview goes on without what RBAC forbids reading. */
async function readLive(
  api: ClusterWrites,
  ref: WorkloadRef,
  strict: boolean,
): Promise<{
  raw: Record<string, unknown> | 'forbidden';
  autoscalers: Record<string, unknown>[] | 'forbidden';
}> {
  const tolerate = (e: unknown): 'forbidden' => {
    if (strict || !(e instanceof AccessError)) throw e;
    return 'forbidden';
  };
  const raw = await api.readWorkload(ref).catch(tolerate);
  if (raw === undefined) throw new InputError(`${describe(ref)}: not found; check the name and -n`);
  return { raw, autoscalers: await api.listAutoscalers(ref.namespace).catch(tolerate) };
}

/** The snapshot with the workload exactly as read now, so the plan is of that resourceVersion. */
function withWorkload(s: Snapshot, raw: Record<string, unknown>): Snapshot {
  const w = keepObject(raw, undefined);
  if (!w) return s;
  const same = (o: KubeObject) =>
    o.kind === w.kind && o.metadata.name === w.metadata.name && namespaceOf(o) === namespaceOf(w);
  return { ...s, objects: [...s.objects.filter((o) => !same(o)), w] };
}

const annotationsOf = (raw: unknown) =>
  (path(raw, 'metadata', 'annotations') ?? {}) as Record<string, string>;

const managedFieldsOf = (raw: unknown): unknown[] => {
  const m = path(raw, 'metadata', 'managedFields');
  return Array.isArray(m) ? m : [];
};

/**
 * The record of a scale-down: a run that died left it, and with --apply it is undone first (its
 * Jobs deleted, the recorded replicas restored, the record removed), then the run goes on; a
 * preview only says so. A live holder makes --apply refuse. Returns the workload as it is now.
 */
async function recoverScale(
  acting: boolean,
  deps: Deps,
  api: ClusterWrites,
  ref: WorkloadRef,
  raw: Record<string, unknown>,
  record: ScaleRecord | 'malformed' | undefined,
): Promise<Record<string, unknown>> {
  const where = describe(ref);
  if (record === undefined) return raw;
  if (record === 'malformed') {
    if (acting)
      throw new ApplyRefused(
        `${where}: the annotation ${scaleRecordAnnotation} is unreadable; set its replicas by hand (kubectl scale ${ref.kind.toLowerCase()}/${ref.name} -n ${ref.namespace} --replicas=N), then remove the annotation`,
      );
    deps.stderr.write(
      `warning: ${where}: the annotation ${scaleRecordAnnotation} is unreadable; --apply refuses until its replicas are set by hand and the annotation removed\n`,
    );
    return raw;
  }
  const { host, pid } = record.holder;
  const alive = host === hostname() ? processAlive(pid) : undefined;
  const abandoned = isScaleAbandoned(
    record,
    { nowMs: Date.now(), renewedMs: Date.parse(record.renewTime) },
    alive,
  );
  if (!abandoned) {
    if (acting)
      throw new ApplyRefused(
        `${where}: another fix-job run (${host} pid ${pid}) has scaled it down for a repair; wait for it to finish`,
      );
    deps.stderr.write(
      `warning: ${where}: another fix-job run (${host} pid ${pid}) is repairing it now (scaled down from ${record.replicas})\n`,
    );
    return raw;
  }
  if (!acting) {
    deps.stderr.write(
      `warning: ${where}: a fix-job run that died left it at 0 replicas (it had ${record.replicas}); run with --apply to scale it back and repair it\n`,
    );
    return raw;
  }
  const deleted: string[] = [];
  for (const job of record.jobs) {
    const j = await api.readJob(ref.namespace, job);
    const labels = (path(j, 'metadata', 'labels') ?? {}) as Record<string, string>;
    if (!j || !Object.entries(managedBy).every(([k, v]) => labels[k] === v)) continue;
    await api.deleteJob(ref.namespace, job);
    deleted.push(job);
  }
  const rv = path(raw, 'metadata', 'resourceVersion') as string | undefined;
  const up = planScaleUp(record);
  const res = await api.patchWorkload(ref, {
    ...up,
    metadata: { ...(up['metadata'] as object), ...(rv !== undefined && { resourceVersion: rv }) },
  });
  if (res === 'conflict')
    throw new ApplyRefused(`${where}: changed since it was read; run the command again`);
  deps.stderr.write(
    `${where}: scaled back to ${replicas(record.replicas)}, left at 0 by a fix-job run that died (${host} pid ${pid})${deleted.length > 0 ? `; deleted its Jobs ${deleted.join(', ')}` : ''}\n`,
  );
  return res;
}

interface Apply {
  a: FixJobArgs;
  deps: Deps;
  api: ClusterWrites;
  client: KubeClient;
  ref: WorkloadRef;
  request: WorkloadRequest;
  options: WorkloadFixOptions;
  snapshot: Snapshot;
  facts: WorkloadFacts;
  plan: WorkloadFixPlan;
  /** The workload as previewed (after a dead run's recovery). */
  raw: Record<string, unknown>;
}

/**
 * --apply: refuses what would fail before anything changes, then (holding Ctrl-C) relaxes Pod
 * Security once if needed, records and scales down, waits for the pods to be gone, places and runs
 * each Job, and in any case restores Pod Security, then the replicas.
 */
async function applyPlan(
  r: Apply,
  o: { restored: Record<string, unknown> | undefined; rejected: boolean },
): Promise<number> {
  const { a, deps, api, ref, plan } = r;
  const ns = ref.namespace;
  const nsRaw = o.restored ?? (await api.readNamespace(ns));
  if (!nsRaw) throw new ApplyRefused(`Namespace ${ns}: not found; create it or pass the right -n`);
  const nsObj = keepObject(nsRaw, undefined) as KubeObject;
  const { level } = enforceLevel(nsObj);
  const refusedBy = plan.repairs.find(
    (x) => !(level !== undefined && admits(level, x.plan.podSecurity.verdict)),
  );
  const needsRelax = refusedBy !== undefined || o.rejected;
  if (needsRelax && !a['relax-psa'])
    throw new ApplyRefused(
      `Namespace ${ns}: would reject the pods of the repair Jobs; pass --relax-psa to set enforce=baseline while they run, or run them in a namespace at baseline`,
    );
  for (const { plan: p } of plan.repairs) await clearFinishedJob(api, ns, jobName(p));
  const record: ScaleRecord = {
    replicas: plan.replicas,
    jobs: plan.repairs.map((x) => jobName(x.plan)),
    holder: { host: hostname(), pid: process.pid },
    renewTime: now(),
    leaseSeconds,
  };
  const release = deps.interrupt?.hold();
  let relaxed: RelaxRecord | undefined;
  let scaled = false;
  let code: number;
  try {
    if (needsRelax) {
      const first = (refusedBy ?? plan.repairs[0])?.plan as FixPlan;
      relaxed = await relax(deps, api, nsObj, nsRaw, first.podSecurity.verdict, jobName(first));
      for (const { plan: p } of plan.repairs) {
        const again = await dryRunRelaxed(r.client, ns, p.job, level);
        if (typeof again !== 'string' && !again.admitted)
          throw new ApplyRefused(
            `Job ${ns}/${jobName(p)}: still rejected at enforce=baseline: ${again.message}; something else than Pod Security (a webhook or policy) refuses it`,
          );
      }
    }
    const lease = relaxed;
    const renew = async () => {
      record.renewTime = now();
      if (scaled) await api.patchWorkload(ref, planRenewScale(record));
      if (lease) await renewRelaxation(api, ns, lease);
    };
    if (plan.scales) scaled = await scaleDown(r, record);
    code = await repairAll(r, record, renew, lease);
  } finally {
    await undo([
      async () => {
        if (relaxed) await restore(deps, api, ns, relaxed);
      },
      async () => {
        if (scaled) await scaleUp(r, record);
      },
    ]);
    release?.();
  }
  if (code === exitCodes.ok)
    write(
      deps.stdout,
      `${describe(ref)}: ${plan.repairs.length} claim${plan.repairs.length === 1 ? '' : 's'} repaired${plan.scales ? `; scaled back to ${replicas(plan.replicas)}` : ''}\n`,
    );
  return code;
}

/**
 * Records the replicas and scales to 0 in one write, if the workload is still the one previewed:
 * re-read just before (its generation and record), with that resourceVersion as the precondition.
 */
async function scaleDown(r: Apply, record: ScaleRecord): Promise<true> {
  const where = describe(r.ref);
  const current = await r.api.readWorkload(r.ref);
  if (!current) throw new ApplyRefused(`${where}: deleted since the preview; nothing was changed`);
  const change = findWorkloadChange(r.raw, current);
  const fix = 'run fix-job again to preview it as it is now';
  if (change !== undefined)
    throw new ApplyRefused(`${where}: changed since the preview: ${change}; ${fix}`);
  const rv = path(current, 'metadata', 'resourceVersion') as string | undefined;
  const res = await r.api.patchWorkload(r.ref, planScaleDown(record, rv));
  if (res === 'conflict')
    throw new ApplyRefused(`${where}: changed since the preview (a write just now); ${fix}`);
  r.deps.stderr.write(
    `${where}: scaled from ${record.replicas} to 0 replicas (recorded in annotation ${scaleRecordAnnotation} until it is scaled back)\n`,
  );
  return true;
}

/** The recorded replicas back, the record gone; a failure here leaves the record for the next run. */
async function scaleUp(r: Apply, record: ScaleRecord): Promise<void> {
  const res = await r.api.patchWorkload(r.ref, planScaleUp(record));
  if (res === 'conflict')
    throw new ClusterError(
      `${describe(r.ref)}: could not be scaled back; run fix-job --apply again`,
    );
  r.deps.stderr.write(
    `${describe(r.ref)}: scaled back to ${replicas(record.replicas)} (follow it: kubectl rollout status ${r.ref.kind.toLowerCase()}/${r.ref.name} -n ${r.ref.namespace})\n`,
  );
}

/**
 * Waits for the workload to stop (its pods gone), places each Job now that they are, and runs
 * them one after another; the exit code, or an error (a failed Job is kept, exit 4).
 */
async function repairAll(
  r: Apply,
  record: ScaleRecord,
  renew: () => Promise<void>,
  relaxed: RelaxRecord | undefined,
): Promise<number> {
  const { a, deps, api, ref } = r;
  const ns = ref.namespace;
  const signal = deps.interrupt?.signal;
  const pods = await waitStopped(r, renew);
  if (typeof pods === 'number') return pods;
  // placement now that the workload's own pods are gone: another pod may still hold a claim
  const now = planWorkloadFix(
    { ...r.snapshot, objects: [...r.snapshot.objects.filter((o) => o.kind !== 'Pod'), ...pods] },
    r.request,
    r.options,
    { ...r.facts, recordedReplicas: record.replicas },
  );
  const timeoutMs = parseRequestTimeout(a.timeout, '--timeout');
  for (const { claim, plan: p } of now.repairs) {
    const name = jobName(p);
    const previewed = r.plan.repairs.find((x) => jobName(x.plan) === name)?.plan;
    if (JSON.stringify(previewed?.options.placement) !== JSON.stringify(p.options.placement))
      deps.stderr.write(
        `Job ${ns}/${name}: placed otherwise than previewed: ${p.options.placement.why}\n`,
      );
    if (relaxed) {
      relaxed.job = name;
      await renewRelaxation(api, ns, relaxed);
    }
    const created = await api.createJob(p.job);
    const uid = (created['metadata'] as { uid: string }).uid;
    deps.stderr.write(`job.batch/${name} created in namespace ${ns} (${claim.claimName})\n`);
    const done = await waitForJob(
      deps,
      api,
      { ns, name, uid },
      {
        timeoutMs: timeoutMs || (p.options.deadlineSeconds + 60) * 1000,
        timeoutText: a.timeout === '0' ? 'its deadline' : a.timeout,
        verbose: a.v > 0,
        signal,
        renew: { everyMs: renewEveryMs, run: renew },
        failure: (log) => {
          const s = parseFixSummary(log);
          return s ? `${s.failed} files could not be changed` : '';
        },
        rerun: `fix-job ${ref.kind.toLowerCase()}/${ref.name} --apply`,
      },
    );
    if (typeof done === 'number') return done;
    const s = done.log === undefined ? undefined : parseFixSummary(done.log);
    write(
      deps.stdout,
      s
        ? `Job ${ns}/${name} succeeded: ${s.changed} of ${s.scanned} files changed; volume root now ${s.root}\n`
        : `Job ${ns}/${name} succeeded; its log is not readable (the pod is gone or the kubelet unreachable), so the counts are unknown\n`,
    );
  }
  return exitCodes.ok;
}

/**
 * Polls until the workload has stopped (resolveStopped), renewing the leases; the Pods of the
 * namespace then, or 130 on Ctrl-C. --timeout (default: the pods' grace period and two minutes)
 * ends it with exit 4.
 */
async function waitStopped(r: Apply, renew: () => Promise<void>): Promise<KubeObject[] | number> {
  const { a, deps, api, ref } = r;
  const where = describe(ref);
  const signal = deps.interrupt?.signal;
  const grace = path(r.raw, 'spec', 'template', 'spec', 'terminationGracePeriodSeconds');
  const limitMs =
    parseRequestTimeout(a.timeout, '--timeout') ||
    ((typeof grace === 'number' ? grace : 30) + stopSlackSeconds) * 1000;
  const started = Date.now();
  let renewed = started;
  let said = '';
  for (;;) {
    if (signal?.aborted) {
      deps.stderr.write(`Interrupted while waiting for ${where} to stop\n`);
      return exitCodes.interrupted;
    }
    const raw = await api.readWorkload(ref);
    if (!raw) throw new ClusterError(`${where}: deleted while the tool waited for it to stop`);
    const w = keepObject(raw, undefined) as KubeObject;
    const pods = (await api.listPods(ref.namespace))
      .map((p) => keepObject({ ...p, apiVersion: 'v1', kind: 'Pod' }, undefined))
      .filter((p): p is KubeObject => p !== undefined);
    const state = resolveStopped(raw, w, pods);
    if (state.stopped) return pods;
    if (Date.now() - started > limitMs)
      throw new CliError(
        `${where}: not stopped within ${a.timeout === '0' ? `${Math.round(limitMs / 1000)}s` : a.timeout}, still waiting for ${state.waitingFor}; it is scaled back. See why (kubectl describe ${ref.kind.toLowerCase()} ${ref.name} -n ${ref.namespace}), or raise --timeout`,
        exitCodes.cluster,
      );
    if (state.waitingFor !== said) deps.stderr.write(`Waiting for ${state.waitingFor}\n`);
    said = state.waitingFor;
    if (Date.now() - renewed >= renewEveryMs) {
      renewed = Date.now();
      await renew();
    }
    await sleep(pollMs, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
}

/** Runs every step, even after one fails, and throws the first failure. */
async function undo(steps: (() => Promise<void>)[]): Promise<void> {
  let failed: { e: unknown } | undefined;
  for (const step of steps)
    try {
      await step();
    } catch (e) {
      failed ??= { e };
    }
  if (failed) throw failed.e;
}
