import type { KubeClient } from '../adapters/cluster/client.js';
import { planFix } from '../core/plans/fix-plan.js';
import type { FixRequest, VolumeRole } from '../core/plans/fix-target.js';
import type { Snapshot } from '../core/snapshot.js';
import { exitCodes, UsageError } from '../errors.js';
import { renderFixJobPreview } from '../render/fix-job-preview.js';
import { renderManifestYaml } from '../render/json.js';
import { write, type Deps } from './deps.js';
import { parseResourceRef } from './resource-ref.js';
import { checkNamespace, resolvePaint, validateOutput, type GlobalArgs } from './global-options.js';
import { parseRequestTimeout } from './request-timeout.js';
import { imageUserFlags, isOffline, openSource, validateSource } from './source.js';
import { readAuditLog } from './audit-log.js';
import { readClusterAudits, withFlagFacts } from './storage-facts.js';

export interface FixJobArgs extends GlobalArgs {
  target?: string;
  volume?: string;
  uid?: number;
  gid?: number;
  'only-uid'?: number;
  image?: string;
  mode?: string;
  'from-audit'?: string;
  deadline: string;
  apply: boolean;
  count: boolean;
  wait: boolean;
  timeout: string;
  'relax-psa': boolean;
}

const maxId = 2147483647;
/** Kept for a day so `kubectl logs job/NAME` still works after a run without --wait. */
export const ttlSeconds = 86400;

function checkId(flag: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= maxId))
    throw new UsageError(
      `--${flag} ${String(v)}: not a UID/GID; use an integer from 0 to ${maxId}`,
    );
}

/** Every kind fix-job repairs: a mover's volume, a claim, or every claim of a workload. */
const fixKinds = [
  'ReplicationSource',
  'ReplicationDestination',
  'PersistentVolumeClaim',
  'StatefulSet',
  'Deployment',
] as const;

/** The target as kubectl spells it; usage and input errors before anything is read. */
export function parseFixTarget(a: Pick<FixJobArgs, 'target'>): {
  kind: (typeof fixKinds)[number];
  name: string;
} {
  if (a.target === undefined)
    throw new UsageError(
      'fix-job needs rs/NAME, rd/NAME, pvc/NAME, sts/NAME or deploy/NAME, e.g. rs/bookstack',
    );
  return parseResourceRef(a.target, fixKinds, 'rs, rd, pvc, sts or deploy');
}

/** `--uid`, `--gid` and `--only-uid` are UIDs and GIDs, and the first two go together. */
export function checkIds(a: FixJobArgs): void {
  checkId('uid', a.uid);
  checkId('gid', a.gid);
  checkId('only-uid', a['only-uid']);
  if ((a.uid === undefined) !== (a.gid === undefined))
    throw new UsageError('--uid and --gid go together: pass both (the owner is UID:GID)');
}

/** Flags and target -> the request, before anything is read (usage errors first). */
export function completeFixRequest(a: FixJobArgs, namespace: string): FixRequest {
  const { kind, name } = parseFixTarget(a);
  // runFixJob hands workloads to runFixWorkload before this
  if (kind === 'StatefulSet' || kind === 'Deployment') throw new Error(`${kind}: not a volume`);
  checkIds(a);
  if (a.volume !== undefined && kind === 'PersistentVolumeClaim')
    throw new UsageError(
      '--volume picks a volume of a mover; with pvc/NAME the claim is the volume',
    );
  const r: FixRequest = { kind, namespace: checkNamespace(namespace), name };
  if (a.volume !== undefined) r.volume = a.volume as VolumeRole;
  if (a.uid !== undefined) r.uid = a.uid;
  if (a.gid !== undefined) r.gid = a.gid;
  return r;
}

/** The flags every fix-job target checks alike: output, source, one cluster and namespace, --apply. */
export function validateCommonFlags(a: FixJobArgs): void {
  validateOutput(a.output, ['table', 'yaml', 'json']);
  validateSource(a);
  if (a['all-contexts'] || a.context.length > 1)
    throw new UsageError('fix-job works on one cluster: pass one --context');
  if (a['all-namespaces'])
    throw new UsageError('fix-job repairs one volume; -A does not apply (use -n NAMESPACE)');
  if (a.apply && isOffline(a))
    throw new UsageError(
      '--apply creates the Job in the cluster of the kubeconfig: drop -f/-k/--demo (or use -o yaml and commit the Job)',
    );
  if (a.apply && a.output !== 'table')
    throw new UsageError('-o yaml|json prints the Job instead of creating it; drop --apply or -o');
}

/** The duration flags, as the Job's deadline in seconds. */
export function parseDeadline(a: FixJobArgs): number {
  const deadlineSeconds = Math.ceil(parseRequestTimeout(a.deadline, '--deadline') / 1000);
  parseRequestTimeout(a.timeout, '--timeout');
  if (deadlineSeconds <= 0) throw new UsageError('--deadline must be longer than 0s, e.g. 1h');
  return deadlineSeconds;
}

function validateFlags(a: FixJobArgs): void {
  if (a.wait && !a.apply)
    throw new UsageError('--wait waits for the Job --apply creates; add --apply');
  if (a['relax-psa'] && !a.wait && !a.count)
    throw new UsageError(
      '--relax-psa changes Pod Security only while the tool waits to restore it; add --apply --wait (or --count)',
    );
  if (a.count && a.apply)
    throw new UsageError(
      '--count previews what --apply would change: run them one after the other',
    );
  if (a.count && (isOffline(a) || a.output !== 'table'))
    throw new UsageError(
      '--count runs a read-only Job in the cluster of the kubeconfig: drop -f/-k/--demo and -o',
    );
}

export async function runFixJob(a: FixJobArgs, deps: Deps): Promise<number> {
  const { kind } = parseFixTarget(a);
  if (kind === 'StatefulSet' || kind === 'Deployment')
    return (await import('./fix-job-workload.js')).runFixWorkload(a, deps);
  validateCommonFlags(a);
  validateFlags(a);
  const deadlineSeconds = parseDeadline(a);
  completeFixRequest(a, 'default');
  const { request, snapshot, client } = await readTarget(a, deps);
  const fromAudit = a['from-audit'];
  const plan = planFix(snapshot, request, {
    ...(a.image !== undefined && { image: a.image }),
    ...(a['only-uid'] !== undefined && { onlyUid: a['only-uid'] }),
    ...(a.mode !== undefined && { mode: a.mode }),
    ...(fromAudit !== undefined && {
      audit: { summary: await readAuditLog(fromAudit, '--from-audit', deps), source: fromAudit },
    }),
    deadlineSeconds,
    ttlSeconds,
  });
  if (a.output === 'json') write(deps.stdout, `${JSON.stringify(plan.job, null, 2)}\n`);
  else if (a.output === 'yaml') write(deps.stdout, renderManifestYaml(plan.job));
  else if (client) {
    const { runFixJobOnCluster } = await import('./fix-job-apply.js');
    return runFixJobOnCluster(a, deps, plan, client);
  } else {
    write(deps.stdout, renderFixJobPreview(plan, { relax: a['relax-psa'] }, resolvePaint(a, deps)));
    deps.stderr.write('Nothing was changed: -o yaml prints the Job alone, for GitOps.\n');
  }
  return exitCodes.ok;
}

/** The request and the snapshot of its namespace; a cluster also hands over its client. */
async function readTarget(
  a: FixJobArgs,
  deps: Deps,
): Promise<{ request: FixRequest; snapshot: Snapshot; client?: KubeClient }> {
  if (isOffline(a)) {
    const source = await openSource(a, deps);
    const request = completeFixRequest(a, source.defaultNamespace);
    return { request, snapshot: await source.read({ all: false, namespace: request.namespace }) };
  }
  // client-node is heavy: loaded only for a cluster (STYLE.md, Commands)
  const { openClusterSource } = await import('./cluster-source.js');
  const cluster = openClusterSource(a, deps, imageUserFlags(a));
  const request = completeFixRequest(a, cluster.defaultNamespace);
  const snapshot = withFlagFacts(
    a,
    await cluster.read({ all: false, namespace: request.namespace }),
    {
      audits: await readClusterAudits(deps, cluster.client.target.server),
    },
  );
  return { request, snapshot, client: cluster.client };
}
