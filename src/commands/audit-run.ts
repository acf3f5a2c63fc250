import type { KubeClient } from '../adapters/cluster/client.js';
import { ClusterWrites } from '../adapters/cluster/writes.js';
import type { AuditPlan } from '../core/plans/audit-plan.js';
import { ApplyRefused, CliError, exitCodes } from '../errors.js';
import { renderAuditPreview } from '../render/audit-preview.js';
import type { Paint } from '../render/color.js';
import type { AuditArgs } from './audit.js';
import { write, type Deps } from './deps.js';
import { clearFinishedJob, dryRun } from './fix-job-apply.js';
import { waitForJob } from './job-wait.js';
import { parseRequestTimeout } from './request-timeout.js';

/** Keeps the audit on this machine, so that explain and the TUI show it for this cluster. */
async function keep(deps: Deps, client: KubeClient, plan: AuditPlan, log: string, job: string) {
  const { auditRecordDir, writeAuditRecord } = await import('../adapters/audit-records.js');
  const dir = auditRecordDir(deps.env, client.target.server);
  if (dir === undefined) return;
  try {
    await writeAuditRecord(dir, {
      key: plan.storageKey,
      target: plan.target.purpose,
      source: `audit --run, Job ${job}`,
      log,
    });
  } catch (e) {
    deps.stderr.write(
      `warning: the audit could not be kept in ${dir} (${(e as Error).message}); explain will not show it\n`,
    );
  }
}

/** Progress and errors from the walker reach stderr; its summary records are the result. */
const progress = (line: string) => /^(progress|error|warning):/.test(line);

/**
 * The cluster half of audit: the preview with the server's dry-run verdict, then with --run the
 * Job, followed until it ends, its log read and the Job deleted. Refuses (exit 6) a Job the
 * namespace would reject: the audit never relaxes Pod Security (--run-as needs only restricted).
 */
export async function runAuditOnCluster(
  a: AuditArgs,
  deps: Deps,
  plan: AuditPlan,
  client: KubeClient,
  paint: Paint,
): Promise<{ log: string; job: string } | number> {
  const api = new ClusterWrites(client);
  const ns = plan.target.namespace;
  const name = (plan.job['metadata'] as { name: string }).name;
  const dry = await dryRun(client, ns, plan.job);
  if (!a.run) {
    write(
      deps.stdout,
      renderAuditPreview(
        plan,
        typeof dry === 'string' ? { serverDryRunSkipped: dry } : { serverDryRun: dry },
        paint,
      ),
    );
    deps.stderr.write(
      `Nothing was created. Run again with --run to create Job ${ns}/${name}, read its summary and delete it.\n`,
    );
    return exitCodes.ok;
  }
  const rejected = typeof dry !== 'string' && !dry.admitted ? dry.message : undefined;
  const modelRejects = plan.podSecurity.level !== undefined && !plan.podSecurity.admitted;
  if (rejected !== undefined || (typeof dry === 'string' && modelRejects))
    throw new ApplyRefused(
      `Job ${ns}/${name}: namespace ${ns} would reject its pods${rejected === undefined ? '' : ` (${rejected})`}; run it as the files' owner with --run-as UID:GID (Pod Security restricted), or in a namespace at baseline`,
    );
  await clearFinishedJob(api, ns, name);
  const release = deps.interrupt?.hold();
  try {
    const created = await api.createJob(plan.job);
    const uid = (created['metadata'] as { uid: string }).uid;
    deps.stderr.write(`job.batch/${name} created in namespace ${ns}\n`);
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
        shows: progress,
        rerun: 'audit --run',
      },
    );
    if (typeof done === 'number') return done;
    if (done.log === undefined)
      throw new CliError(
        `Job ${ns}/${name}: succeeded but its log is not readable (the pod is gone or the kubelet unreachable); run audit --run again`,
        exitCodes.cluster,
      );
    await keep(deps, client, plan, done.log, `${ns}/${name}`);
    return { log: done.log, job: `${ns}/${name}` };
  } finally {
    release?.();
  }
}
