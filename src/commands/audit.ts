import type { KubeClient } from '../adapters/cluster/client.js';
import type { AuditAccess } from '../core/plans/audit-job.js';
import { planAudit } from '../core/plans/audit-plan.js';
import type { VolumeRequest, VolumeRole } from '../core/plans/volume-target.js';
import { resolveAuditReport, type AuditReport } from '../core/report/audit-report.js';
import type { Snapshot } from '../core/snapshot.js';
import { exitCodes, UsageError } from '../errors.js';
import { auditContract, renderAuditReport } from '../render/audit-report.js';
import { renderAuditPreview } from '../render/audit-preview.js';
import { renderManifestYaml } from '../render/json.js';
import { dump } from 'js-yaml';
import { parseAuditText, readAuditLog } from './audit-log.js';
import { write, type Deps } from './deps.js';
import { checkNamespace, resolvePaint, validateOutput, type GlobalArgs } from './global-options.js';
import { parseRequestTimeout } from './request-timeout.js';
import { parseResourceRef } from './resource-ref.js';
import { imageUserFlags, isOffline, openSource, validateSource } from './source.js';
import { readClusterAudits, withFlagFacts } from './storage-facts.js';

export interface AuditArgs extends GlobalArgs {
  target?: string;
  volume?: string;
  run: boolean;
  probe: boolean;
  'run-as'?: string;
  'from-log'?: string;
  image?: string;
  deadline: string;
  timeout: string;
}

/** Kept an hour after it ends, so `kubectl logs job/NAME` works after an interrupted run. */
const ttlSeconds = 3600;

function completeRequest(a: AuditArgs, namespace: string): VolumeRequest {
  if (a.target === undefined)
    throw new UsageError(
      'audit needs rs/NAME, rd/NAME, kopiamaintenance/NAME or pvc/NAME, e.g. rs/bookstack --volume repository',
    );
  const { kind, name } = parseResourceRef(
    a.target,
    [
      'ReplicationSource',
      'ReplicationDestination',
      'KopiaMaintenance',
      'PersistentVolumeClaim',
    ] as const,
    'rs, rd, kopiamaintenance or pvc',
  );
  if (a.volume !== undefined && kind === 'PersistentVolumeClaim')
    throw new UsageError(
      '--volume picks a volume of a mover; with pvc/NAME the claim is the volume',
    );
  return {
    kind,
    namespace: checkNamespace(namespace),
    name,
    ...(a.volume !== undefined && { volume: a.volume as VolumeRole }),
  };
}

function access(a: AuditArgs): AuditAccess {
  const v = a['run-as'];
  if (v === undefined) return { kind: 'root' };
  const m = /^(\d{1,10}):(\d{1,10})$/.exec(v);
  const uid = Number(m?.[1]);
  const gid = Number(m?.[2]);
  if (!m || uid > 2147483647 || gid > 2147483647 || uid === 0)
    throw new UsageError(
      `--run-as ${JSON.stringify(v)}: not UID:GID of a non-root identity; e.g. --run-as 1000:1000 (the owner of the files)`,
    );
  return { kind: 'as', uid, gid };
}

function validateFlags(a: AuditArgs): void {
  validateOutput(a.output, ['table', 'yaml', 'json']);
  validateSource(a);
  if (a['all-contexts'] || a.context.length > 1)
    throw new UsageError('audit works on one cluster: pass one --context');
  if (a['all-namespaces'])
    throw new UsageError('audit reads one volume; -A does not apply (use -n NAMESPACE)');
  if (a.run && a['from-log'] !== undefined)
    throw new UsageError('--from-log reads a saved audit instead of running one: drop --run');
  if (a.probe && !a.run)
    throw new UsageError(
      '--probe is a write the audit Job makes: add --run (the preview shows the Job)',
    );
  if (a.probe && a['run-as'] !== undefined)
    throw new UsageError('--probe creates its first file as UID 0: drop --run-as');
  if (a.run && isOffline(a))
    throw new UsageError(
      '--run creates the Job in the cluster of the kubeconfig: drop -f/-k/--demo (or --from-log a saved log)',
    );
}

export async function runAudit(a: AuditArgs, deps: Deps): Promise<number> {
  validateFlags(a);
  const deadlineSeconds = Math.ceil(parseRequestTimeout(a.deadline, '--deadline') / 1000);
  if (deadlineSeconds <= 0) throw new UsageError('--deadline must be longer than 0s, e.g. 1h');
  parseRequestTimeout(a.timeout, '--timeout');
  const how = access(a);
  completeRequest(a, 'default');
  const { request, snapshot, client } = await readTarget(a, deps);
  const paint = resolvePaint(a, deps);
  const fromLog = a['from-log'];
  if (fromLog !== undefined) {
    const summary = await readAuditLog(fromLog, '--from-log', deps);
    return print(
      a,
      deps,
      resolveAuditReport(snapshot, request, summary, fromLog === '-' ? 'stdin' : fromLog),
      paint,
    );
  }
  const plan = planAudit(snapshot, request, {
    ...(a.image !== undefined && { image: a.image }),
    access: how,
    probe: a.probe,
    deadlineSeconds,
    ttlSeconds,
  });
  if (!client || (!a.run && a.output !== 'table')) {
    if (a.output === 'json') write(deps.stdout, `${JSON.stringify(plan.job, null, 2)}\n`);
    else if (a.output === 'yaml') write(deps.stdout, renderManifestYaml(plan.job));
    else {
      write(deps.stdout, renderAuditPreview(plan, {}, paint));
      deps.stderr.write(
        'Nothing was created: audit --run creates the Job in the cluster of the kubeconfig; --from-log FILE reads a saved log.\n',
      );
    }
    return exitCodes.ok;
  }
  const { runAuditOnCluster } = await import('./audit-run.js');
  const done = await runAuditOnCluster(a, deps, plan, client, paint);
  if (typeof done === 'number') return done;
  const summary = parseAuditText(done.log, `the log of Job ${done.job}`);
  return print(
    a,
    deps,
    resolveAuditReport(snapshot, request, summary, `the log of Job ${done.job}`),
    paint,
  );
}

function print(
  a: AuditArgs,
  deps: Deps,
  r: AuditReport,
  paint: ReturnType<typeof resolvePaint>,
): number {
  if (a.output === 'json') write(deps.stdout, `${JSON.stringify(auditContract(r), null, 2)}\n`);
  else if (a.output === 'yaml')
    write(deps.stdout, dump(auditContract(r), { noRefs: true, lineWidth: -1, seqNoIndent: true }));
  else write(deps.stdout, renderAuditReport(r, paint));
  const blocked = r.forecast.some((f) => f.cannotRead.count + f.cannotWrite.count > 0);
  return a['exit-code'] && blocked ? exitCodes.findings : exitCodes.ok;
}

/** The request and the snapshot of its namespace; a cluster also hands over its client. */
async function readTarget(
  a: AuditArgs,
  deps: Deps,
): Promise<{ request: VolumeRequest; snapshot: Snapshot; client?: KubeClient }> {
  if (isOffline(a)) {
    const source = await openSource(a, deps);
    const request = completeRequest(a, source.defaultNamespace);
    // repositories are shared across namespaces: the forecast needs every mover
    return { request, snapshot: await source.read({ all: true }) };
  }
  // client-node is heavy: loaded only for a cluster (STYLE.md, Commands)
  const { openClusterSource } = await import('./cluster-source.js');
  const cluster = openClusterSource(a, deps, imageUserFlags(a));
  const request = completeRequest(a, cluster.defaultNamespace);
  const snapshot = withFlagFacts(
    a,
    await cluster.read({ all: false, namespace: request.namespace }),
    {
      audits: await readClusterAudits(deps, cluster.client.target.server),
    },
  );
  return { request, snapshot, client: cluster.client };
}
