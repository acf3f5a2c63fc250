import { resolveSubjectReport, type SubjectRef } from '../core/report/resolve-report.js';
import { InputError, UsageError } from '../errors.js';
import { parseResourceRef } from './resource-ref.js';
import { jsonChunks, yamlChunks } from '../render/json.js';
import { renderTrace } from '../render/trace-table.js';
import { write, writeChunks, type Deps } from './deps.js';
import { exitCodeFor } from './exit-code.js';
import { checkNamespace, resolvePaint, validateOutput, type GlobalArgs } from './global-options.js';
import { openSource, validateSource } from './source.js';

export interface EffectiveUidArgs extends GlobalArgs {
  target?: string;
}

const subjectKinds = [
  'ReplicationSource',
  'ReplicationDestination',
  'KopiaMaintenance',
  'SnapshotPolicy',
  'Snapshot',
  'Restore',
  'Maintenance',
  'ClusterRepository',
  'Repository',
  'Pod',
  'Job',
  'CronJob',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
] as const;

export function completeRef(a: EffectiveUidArgs, defaultNamespace: string): SubjectRef {
  if (a.target === undefined)
    throw new UsageError('effective-uid needs TYPE/NAME, e.g. rs/bookstack');
  const { kind, name } = parseResourceRef(
    a.target,
    subjectKinds,
    'one of rs, rd, kopiamaintenance, snapshotpolicy, snapshot, restore, maintenance, clusterrepository, repository, pod, job, cronjob, deployment, statefulset, daemonset',
  );
  return { kind, name, namespace: checkNamespace(defaultNamespace) };
}

export async function runEffectiveUid(a: EffectiveUidArgs, deps: Deps): Promise<number> {
  validateOutput(a.output, ['table', 'wide', 'json', 'yaml']);
  validateSource(a);
  if (a['all-contexts'] || a.context.length > 1)
    throw new UsageError(
      'effective-uid reads one cluster: pass one --context (explain scans several)',
    );
  if (a['all-namespaces'])
    throw new UsageError('effective-uid takes one object; -A does not apply (use -n NAMESPACE)');
  completeRef(a, 'default'); // a malformed target is a usage error before any read
  const source = await openSource(a, deps);
  const ref = completeRef(a, source.defaultNamespace);
  const snapshot = await source.read({ all: false, namespace: ref.namespace }, ref);
  const report = resolveSubjectReport(snapshot, ref);
  if (!report)
    throw new InputError(
      `${ref.kind} ${ref.namespace}/${ref.name}: not found in the input; check the name and -n`,
    );
  if (report.subjects.length === 0)
    throw new InputError(
      `${ref.kind} ${ref.namespace}/${ref.name}: VolSync builds no mover pod for it (external or unsupported mover)`,
    );
  if (a.output === 'json') await writeChunks(deps.stdout, jsonChunks(report));
  else if (a.output === 'yaml') await writeChunks(deps.stdout, yamlChunks(report));
  else
    write(
      deps.stdout,
      renderTrace(report, { wide: a.output === 'wide', paint: resolvePaint(a, deps) }),
    );
  return exitCodeFor(report, a);
}
