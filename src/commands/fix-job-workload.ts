import type { WorkloadKind } from '../core/plans/workload-claims.js';
import {
  planWorkloadFix,
  type WorkloadFixOptions,
  type WorkloadFixPlan,
  type WorkloadRequest,
} from '../core/plans/workload-fix-plan.js';
import { exitCodes, UsageError } from '../errors.js';
import { renderWorkloadFixPreview, renderWorkloadJobs } from '../render/fix-workload-preview.js';
import { write, type Deps } from './deps.js';
import {
  checkIds,
  parseDeadline,
  parseFixTarget,
  ttlSeconds,
  validateCommonFlags,
  type FixJobArgs,
} from './fix-job.js';
import { checkNamespace, resolvePaint } from './global-options.js';
import { imageUserFlags, isOffline, openSource } from './source.js';

// fix-job sts/NAME and deploy/NAME: stop the workload, repair every claim its pods mount, start
// it again (DESIGN.md §1's vendor procedure, §8's safety). The cluster half is
// fix-job-workload-apply.ts.

/** Flags and target -> the request, before anything is read (usage errors first). */
export function completeWorkloadRequest(a: FixJobArgs, namespace: string): WorkloadRequest {
  const { kind, name } = parseFixTarget(a);
  checkIds(a);
  if (a.uid === undefined || a.gid === undefined)
    throw new UsageError(
      `${kind} ${name}: the owner to give its files is not known; pass --uid U --gid G (the UID and GID the app is to run as)`,
    );
  const { uid, gid } = a;
  return { kind: kind as WorkloadKind, namespace: checkNamespace(namespace), name, uid, gid };
}

function validateWorkloadFlags(a: FixJobArgs): void {
  validateCommonFlags(a);
  if (a.volume !== undefined)
    throw new UsageError(
      '--volume picks a volume of a mover; a workload is repaired on every claim its pods mount (fix-job pvc/NAME repairs one)',
    );
  if (a['from-audit'] !== undefined)
    throw new UsageError(
      '--from-audit is the audit of one volume; repair that claim with fix-job pvc/NAME --from-audit FILE',
    );
  if (a.count)
    throw new UsageError('--count counts one volume; run fix-job pvc/NAME --count for each claim');
  if (a.wait && !a.apply)
    throw new UsageError('--wait waits for the Jobs --apply creates; add --apply');
  if (a['relax-psa'] && !a.apply)
    throw new UsageError(
      '--relax-psa changes Pod Security only while --apply runs the repairs and restores it; add --apply',
    );
}

/**
 * The whole-workload fix-job: the plan from the source, printed (or its Jobs with -o), and on a
 * cluster the preview with the server's verdicts, then with --apply the run (always waiting: the
 * workload is started again at the end).
 */
export async function runFixWorkload(a: FixJobArgs, deps: Deps): Promise<number> {
  validateWorkloadFlags(a);
  const options: WorkloadFixOptions = {
    ...(a.image !== undefined && { image: a.image }),
    ...(a['only-uid'] !== undefined && { onlyUid: a['only-uid'] }),
    ...(a.mode !== undefined && { mode: a.mode }),
    deadlineSeconds: parseDeadline(a),
    ttlSeconds,
  };
  completeWorkloadRequest(a, 'default');
  if (!isOffline(a)) {
    // client-node is heavy: loaded only for a cluster (STYLE.md, Commands)
    const { openClusterSource } = await import('./cluster-source.js');
    const cluster = openClusterSource(a, deps, imageUserFlags(a));
    const request = completeWorkloadRequest(a, cluster.defaultNamespace);
    const { runFixWorkloadOnCluster } = await import('./fix-job-workload-apply.js');
    return runFixWorkloadOnCluster(a, deps, { request, options, cluster });
  }
  const source = await openSource(a, deps);
  const request = completeWorkloadRequest(a, source.defaultNamespace);
  const snapshot = await source.read({ all: false, namespace: request.namespace });
  const plan = planWorkloadFix(snapshot, request, options, { claimsComplete: false });
  if (printJobs(a, deps, plan)) return exitCodes.ok;
  write(
    deps.stdout,
    renderWorkloadFixPreview(plan, { relax: a['relax-psa'] }, resolvePaint(a, deps)),
  );
  deps.stderr.write(
    `Nothing was changed: -o yaml prints the Jobs alone, for GitOps (stop the ${plan.workload.kind} before they run, start it after).\n`,
  );
  return exitCodes.ok;
}

/** -o yaml|json: the Jobs, as fix-job prints its one Job. */
export function printJobs(a: FixJobArgs, deps: Deps, plan: WorkloadFixPlan): boolean {
  if (a.output !== 'yaml' && a.output !== 'json') return false;
  write(deps.stdout, renderWorkloadJobs(plan, a.output));
  return true;
}
