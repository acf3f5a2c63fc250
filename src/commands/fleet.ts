import { mapBounded } from '../bounded.js';
import { kubeconfigContexts } from '../adapters/cluster/kubeconfig.js';
import type { ImageFacts } from '../core/identity/image.js';
import { mergeReports, resolveReport, type Scope } from '../core/report/resolve-report.js';
import { CliError, exitCodes } from '../errors.js';
import { renderExplainTable } from '../render/explain-table.js';
import { renderFleetJson, renderFleetYaml, type FleetItem } from '../render/json.js';
import { renderSarif } from '../render/sarif.js';
import { version } from '../version.js';
import { openClusterSource } from './cluster-source.js';
import { withRegistryFacts } from './image-facts.js';
import { write, type Deps } from './deps.js';
import { exitCodeFor } from './exit-code.js';
import { resolvePaint, type GlobalArgs } from './global-options.js';

/** `--context` given more than once, or `--all-contexts`: the contexts to scan, else undefined. */
export function fleetContexts(a: GlobalArgs, deps: Deps): string[] | undefined {
  if (a['all-contexts'])
    return kubeconfigContexts(
      a.kubeconfig === undefined ? {} : { kubeconfig: a.kubeconfig },
      deps.env,
    );
  return a.context.length > 1 ? [...new Set(a.context)] : undefined;
}

/**
 * explain over several clusters, 4 at a time: each cluster is read and resolved on its own (a
 * repository is not shared across clusters); one that fails is reported and does not stop the
 * others, and the run then ends with exit 4.
 */
export async function runExplainFleet(
  a: GlobalArgs,
  deps: Deps,
  contexts: string[],
  imageFacts: ImageFacts[],
  scopeFor: (defaultNamespace: string) => Scope,
): Promise<number> {
  const items = await mapBounded(contexts, 4, async (cluster): Promise<FleetItem> => {
    const item: FleetItem = { cluster };
    try {
      const source = openClusterSource(
        { ...a, context: [item.cluster] },
        deps,
        imageFacts,
        item.cluster,
      );
      const scope = scopeFor(source.defaultNamespace);
      const raw = await source.read(scope);
      const auths = a['use-pull-secrets'] ? await source.pullSecrets(raw) : [];
      const snapshot = await withRegistryFacts(a, deps, raw, imageFacts, undefined, auths);
      const report = resolveReport(snapshot, scope);
      for (const s of report.subjects) s.cluster = item.cluster;
      item.report = report;
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      item.error = e.message;
    }
    return item;
  });

  for (const i of items)
    if (i.error !== undefined) deps.stderr.write(`warning: context ${i.cluster}: ${i.error}\n`);
  const merged = mergeReports(items.flatMap((i) => (i.report ? [i.report] : [])));
  if (a.output === 'json') write(deps.stdout, renderFleetJson(items));
  else if (a.output === 'yaml') write(deps.stdout, renderFleetYaml(items));
  else if (a.output === 'sarif') write(deps.stdout, renderSarif(merged, version));
  else
    write(
      deps.stdout,
      renderExplainTable(merged, {
        wide: a.output === 'wide',
        allNamespaces: a['all-namespaces'],
        paint: resolvePaint(a, deps),
        clusters: true,
      }),
    );
  if (items.some((i) => i.error !== undefined)) return exitCodes.cluster;
  return exitCodeFor(merged, a);
}
