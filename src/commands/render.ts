import { sortedKeys } from '../core/k8s/canonical.js';
import type { Json } from '../core/k8s/json.js';
import { resolveWorkloadsReport, type WorkloadsReport } from '../core/report/workloads-report.js';
import type { Scope, SubjectRef } from '../core/report/resolve-report.js';
import { UsageError } from '../errors.js';
import { renderKubectlYaml } from '../render/json.js';
import { unifiedDiff } from '../render/unified-diff.js';
import { write, type Deps } from './deps.js';
import { checkNamespace, validateOutput, type GlobalArgs } from './global-options.js';
import { parseResourceRef } from './resource-ref.js';
import { isOffline, openSource, validateSource } from './source.js';
import { InputError } from '../errors.js';

export interface RenderArgs extends GlobalArgs {
  target?: string;
  'diff-live': boolean;
}

const renderKinds = ['ReplicationSource', 'ReplicationDestination', 'KopiaMaintenance'] as const;

/** `rs/NAME` (one object), `ns/NAME` or `NAME` (a namespace), nothing (-n); -A wins. */
export function renderTarget(a: RenderArgs, defaultNamespace: string): Scope | SubjectRef {
  if (a['all-namespaces']) {
    if (
      a.target !== undefined &&
      !/^(ns|namespace|namespaces)\//.test(a.target) &&
      a.target.includes('/')
    )
      throw new UsageError('-A renders every namespace; drop it to render one object');
    return { all: true };
  }
  const t = a.target;
  const ns = /^(?:ns|namespace|namespaces)\/(.*)$/.exec(t ?? '');
  if (t === undefined || ns || !t.includes('/'))
    return { all: false, namespace: checkNamespace(ns?.[1] ?? t ?? defaultNamespace) };
  const { kind, name } = parseResourceRef(
    t,
    renderKinds,
    'rs, rd or kopiamaintenance (or ns/NAME for a namespace)',
  );
  return { kind, name, namespace: checkNamespace(defaultNamespace) };
}

/** The objects as `kubectl get -o yaml` prints several: one document each. */
const yamlStream = (objects: Json[]) => objects.map((o) => `---\n${renderKubectlYaml(o)}`).join('');

/** As `kubectl get -o json` prints several objects: a List, indented by four; keys sorted, as in the YAML. */
const jsonList = (objects: Json[]) =>
  `${JSON.stringify({ apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } }, sortedKeys, 4)}\n`;

/**
 * What the renders rest on that the output cannot say, as warnings: a version nothing said (the
 * rules of another may differ), then each object's notes. A version read or said is not repeated.
 */
function warnings(r: WorkloadsReport): string[] {
  const assumed = new Set(
    r.subjects
      .filter((s) => s.version.assumed)
      .map(
        (s) =>
          `rendered for VolSync ${s.version.version.id}: ${s.version.source}; say --volsync-version if another runs`,
      ),
  );
  return [...assumed, ...r.subjects.flatMap((s) => s.notes.map((n) => `${s.subject}: ${n}`))];
}

/**
 * The diff of each predicted workload with the live one of its name, as kubectl diff prints; a
 * workload the cluster does not hold yet is said on stderr.
 */
function liveDiff(r: WorkloadsReport, deps: Deps): number {
  let differs = false;
  for (const s of r.subjects)
    for (const w of s.live) {
      if (!w.live) {
        deps.stderr.write(
          `warning: ${w.ref}: not on the cluster (VolSync creates it at the next sync)\n`,
        );
        continue;
      }
      const d = unifiedDiff(
        renderKubectlYaml(w.predicted),
        renderKubectlYaml(w.live),
        `predicted/${w.ref} (VolSync ${s.version.version.id})`,
        `live/${w.ref}`,
      );
      if (d !== '') differs = true;
      write(deps.stdout, d);
    }
  return differs ? 1 : 0;
}

export async function runRender(a: RenderArgs, deps: Deps): Promise<number> {
  const output = a.output === 'table' ? 'yaml' : a.output;
  validateOutput(output, a['diff-live'] ? ['yaml'] : ['yaml', 'json']);
  validateSource(a);
  if (a['all-contexts'] || a.context.length > 1)
    throw new UsageError('render reads one cluster: pass one --context');
  if (a['diff-live'] && isOffline(a))
    throw new UsageError(
      '--diff-live compares with the workloads of a live cluster: drop -f/-k/--flux/--demo',
    );
  renderTarget(a, 'default'); // a malformed target is a usage error before any read
  const source = await openSource(a, deps);
  const target = renderTarget(a, source.defaultNamespace);
  const snapshot = await source.read(
    'kind' in target ? { all: false, namespace: target.namespace } : target,
    'kind' in target ? target : undefined,
  );
  const report = resolveWorkloadsReport(snapshot, target);
  if ('kind' in target && report.subjects.length === 0)
    throw new InputError(
      `${target.kind} ${target.namespace}/${target.name}: not found in the input; check the name and -n`,
    );
  if (report.subjects.length === 0 && !('kind' in target))
    deps.stderr.write(
      target.all
        ? 'No VolSync objects found in any namespace.\n'
        : `No VolSync objects found in ${target.namespace} namespace.\n`,
    );
  for (const w of warnings(report)) deps.stderr.write(`warning: ${w}\n`);
  if (a['diff-live']) return liveDiff(report, deps);
  const objects = report.subjects.flatMap((s) => s.objects);
  write(deps.stdout, output === 'json' ? jsonList(objects) : yamlStream(objects));
  return 0;
}
