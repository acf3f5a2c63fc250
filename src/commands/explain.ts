import { fieldLocator } from '../adapters/manifests/locate.js';
import { resolveReport, type Scope } from '../core/report/resolve-report.js';
import { UsageError } from '../errors.js';
import { renderExplainTable } from '../render/explain-table.js';
import { jsonChunks, yamlChunks } from '../render/json.js';
import { renderSarif } from '../render/sarif.js';
import { version } from '../version.js';
import { write, writeChunks, type Deps } from './deps.js';
import { exitCodeFor } from './exit-code.js';
import { checkNamespace, resolvePaint, validateOutput, type GlobalArgs } from './global-options.js';
import { imageUserFlags, isOffline, openSource, rereadManifest, validateSource } from './source.js';

export interface ExplainArgs extends GlobalArgs {
  target?: string;
  'diff-against'?: string;
  'what-if'?: string;
}

/** `ns/NAME`, `namespace/NAME`, `namespaces/NAME` or `NAME`; -A wins over both. */
export function completeScope(
  a: ExplainArgs,
  defaultNamespace: string,
  verb: 'explain' | 'annotate' = 'explain',
): Scope {
  if (a['all-namespaces']) return { all: true };
  let ns = defaultNamespace;
  if (a.target !== undefined) {
    const m = /^(?:(ns|namespace|namespaces)\/)?(.*)$/.exec(a.target);
    const prefix = a.target.includes('/') && !m?.[1];
    if (prefix)
      throw new UsageError(
        `${JSON.stringify(a.target)}: ${verb} takes a namespace (ns/NAME or NAME)${verb === 'explain' ? '; for one object use effective-uid TYPE/NAME' : ''}`,
      );
    ns = m?.[2] ?? '';
  }
  return { all: false, namespace: checkNamespace(ns) };
}

export async function runExplain(a: ExplainArgs, deps: Deps): Promise<number> {
  validateOutput(
    a.output,
    a['diff-against'] === undefined && a['what-if'] === undefined
      ? ['table', 'wide', 'json', 'yaml', 'sarif']
      : ['table', 'json', 'yaml'],
  );
  validateSource(a);
  if (a['what-if'] !== undefined && a['diff-against'] !== undefined)
    throw new UsageError('--what-if and --diff-against are exclusive: pass one');
  if (a['diff-against'] !== undefined && (!isOffline(a) || a.demo || a.filename.includes('-')))
    throw new UsageError(
      '--diff-against compares files of a git checkout: use it with --flux DIR, -k DIR or -f PATH',
    );
  completeScope(a, 'default'); // a malformed target is a usage error before any read
  if (!isOffline(a)) {
    const { fleetContexts, runExplainFleet } = await import('./fleet.js');
    const contexts = fleetContexts(a, deps);
    if (contexts && a['what-if'] !== undefined)
      throw new UsageError('--what-if reads one cluster: pass one --context');
    if (contexts)
      return runExplainFleet(a, deps, contexts, imageUserFlags(a), (ns) => completeScope(a, ns));
  }
  const source = await openSource(a, deps);
  const scope = completeScope(a, source.defaultNamespace);
  const snapshot = await source.read(scope);
  if (a['what-if'] !== undefined) {
    const { runMigrationPreview } = await import('./migration-preview.js');
    return runMigrationPreview(a, snapshot, scope, deps);
  }
  const report = resolveReport(snapshot, scope);
  if (a['diff-against'] !== undefined) {
    const { runIdentityDiff } = await import('./identity-diff.js');
    return runIdentityDiff(a, a['diff-against'], report, scope, deps);
  }
  const paint = resolvePaint(a, deps);
  if (a.output === 'json') await writeChunks(deps.stdout, jsonChunks(report));
  else if (a.output === 'yaml') await writeChunks(deps.stdout, yamlChunks(report));
  else if (a.output === 'sarif')
    write(deps.stdout, renderSarif(report, version, fieldLocator(rereadManifest)));
  else {
    if (report.subjects.length === 0)
      deps.stderr.write(
        scope.all
          ? 'No movers found in any namespace.\n'
          : `No movers found in ${scope.namespace} namespace.\n`,
      );
    write(
      deps.stdout,
      renderExplainTable(report, { wide: a.output === 'wide', allNamespaces: scope.all, paint }),
    );
  }
  return exitCodeFor(report, a);
}
