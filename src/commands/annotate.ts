import type { KubeClient } from '../adapters/cluster/client.js';
import {
  planAnnotate,
  type AnnotatePlan,
  type AnnotateRequest,
  type MoverRef,
} from '../core/plans/annotate.js';
import type { Snapshot } from '../core/snapshot.js';
import { ApplyRefused, exitCodes, UsageError } from '../errors.js';
import { renderAnnotatePreview, renderNamespacePatch } from '../render/annotate-preview.js';
import { renderManifestYaml } from '../render/json.js';
import { write, type Deps } from './deps.js';
import { policyApiFlag } from './policy-api-flag.js';
import { parseResourceRef } from './resource-ref.js';
import { completeScope } from './explain.js';
import { resolvePaint, validateOutput, type GlobalArgs } from './global-options.js';
import { imageUserFlags, isOffline, openSource, validateSource } from './source.js';

export interface AnnotateArgs extends GlobalArgs {
  target?: string;
  privileged?: boolean;
  scoped: string[];
  'all-movers': boolean;
  'prune-stale-grants': boolean;
  'deny-others': boolean;
  'policy-api'?: string;
  apply: boolean;
}

/** `--scoped rs/a,rd/b` (repeatable) as mover references. */
export function parseScoped(values: string[]): MoverRef[] {
  return values
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '')
    .map((v) =>
      parseResourceRef(
        v,
        ['ReplicationSource', 'ReplicationDestination'] as const,
        'rs/NAME or rd/NAME (comma-separated)',
        '--scoped',
      ),
    );
}

function validate(a: AnnotateArgs): MoverRef[] {
  validateOutput(a.output, ['table', 'yaml', 'json']);
  validateSource(a);
  if (a.privileged === undefined)
    throw new UsageError(
      'annotate needs --privileged (grant privileged movers) or --privileged=false (remove the grant)',
    );
  if (a['all-contexts'] || a.context.length > 1)
    throw new UsageError('annotate changes one cluster: pass one --context');
  if (a['all-namespaces'])
    throw new UsageError('annotate changes one namespace; -A does not apply (use ns/NAME)');
  const scoped = parseScoped(a.scoped);
  if (!a.privileged && scoped.length > 0)
    throw new UsageError(
      '--scoped applies to granting; removing the annotation affects the whole namespace (drop --scoped, add --all-movers)',
    );
  if (a.apply && isOffline(a))
    throw new UsageError(
      '--apply writes to the cluster of the kubeconfig: drop -f/-k/--demo (or use -o yaml and commit the objects)',
    );
  if (a.apply && a.output !== 'table')
    throw new UsageError(
      '-o yaml|json prints the objects instead of writing them; drop --apply or -o',
    );
  if (a['prune-stale-grants'] && (a.privileged || !a.apply))
    throw new UsageError('--prune-stale-grants goes with --privileged=false --apply');
  if (a['deny-others'] && scoped.length === 0)
    throw new UsageError(
      '--deny-others goes with --scoped: it rejects the pods of the movers not listed',
    );
  if (a['policy-api'] !== undefined && !isOffline(a))
    throw new UsageError(
      '--policy-api describes the cluster -f/-k/--demo manifests are meant for; on a live cluster the served APIs are discovered',
    );
  return scoped;
}

export async function runAnnotate(a: AnnotateArgs, deps: Deps): Promise<number> {
  const scoped = validate(a);
  completeScope({ ...a, 'all-namespaces': false }, 'default', 'annotate');
  const { namespace, snapshot, client, reread } = await readNamespace(a, deps);
  const policyApi = a['policy-api'];
  const request: AnnotateRequest = {
    namespace,
    privileged: a.privileged === true,
    scoped,
    denyOthers: a['deny-others'],
    policyApis:
      snapshot.policyApis ?? (policyApi === undefined ? undefined : policyApiFlag[policyApi]),
  };
  const plan = planAnnotate(snapshot, request);
  if (a.output !== 'table') {
    if (plan.mechanism.kind === 'refused') throw refusal(plan);
    const { objects } = plan;
    if (plan.deletes.length > 0)
      deps.stderr.write(
        `Also delete (from the repository, or kubectl delete): ${plan.deletes.map((d) => `${d.kind}/${d.name}`).join(', ')}\n`,
      );
    const patch = plan.namespacePatch;
    if (a.output === 'yaml')
      write(
        deps.stdout,
        [...(patch ? [renderNamespacePatch(patch)] : []), ...objects.map(renderManifestYaml)].join(
          '---\n',
        ),
      );
    else
      write(
        deps.stdout,
        `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects, ...(patch && { namespacePatch: patch }) }, null, 2)}\n`,
      );
    return exitCodes.ok;
  }
  write(deps.stdout, renderAnnotatePreview(plan, resolvePaint(a, deps)));
  if (plan.mechanism.kind === 'refused') throw refusal(plan);
  const changes =
    plan.objects.length > 0 || plan.deletes.length > 0 || plan.namespacePatch !== undefined;
  if (!a.apply || !client || !reread) {
    if (changes)
      deps.stderr.write(
        `Nothing was changed. ${isOffline(a) ? 'Use -o yaml for what to commit.' : 'Run again with --apply to write it.'}\n`,
      );
    return a['exit-code'] && changes ? exitCodes.findings : exitCodes.ok;
  }
  // with --scoped the others are either untouched or kept as they were by the policy
  if (plan.unnamedChanges.length > 0 && scoped.length === 0 && !a['all-movers'])
    throw new ApplyRefused(
      `Namespace ${namespace}: the change also alters ${plan.unnamedChanges.join(', ')}; pass --scoped with the movers that need it, or --all-movers if every mover of the namespace should change`,
    );
  const { applyAnnotatePlan } = await import('./annotate-apply.js');
  return applyAnnotatePlan(
    a,
    deps,
    plan,
    client,
    async () => planAnnotate(await reread(false), request),
    () => reread(true),
  );
}

const refusal = (plan: AnnotatePlan) =>
  new ApplyRefused(
    `Namespace ${plan.namespace}: ${plan.mechanism.why}; refused (the steps above give the privilege to the listed movers only)`,
  );

/** The namespace's snapshot; on a cluster also the client and a way to read it again. */
async function readNamespace(
  a: AnnotateArgs,
  deps: Deps,
): Promise<{
  namespace: string;
  snapshot: Snapshot;
  client?: KubeClient;
  /** Reads it again, with --server-dry-run's verdict on each mover pod when asked. */
  reread?: (dryRun: boolean) => Promise<Snapshot>;
}> {
  if (isOffline(a)) {
    const source = await openSource(a, deps);
    const { namespace } = completeScope(a, source.defaultNamespace, 'annotate') as {
      namespace: string;
    };
    return { namespace, snapshot: await source.read({ all: false, namespace }) };
  }
  // client-node is heavy: loaded only for a cluster (STYLE.md, Commands)
  const { openClusterSource } = await import('./cluster-source.js');
  const cluster = openClusterSource(a, deps, imageUserFlags(a), undefined, 'always');
  const verifying = openClusterSource(
    { ...a, 'server-dry-run': true },
    deps,
    imageUserFlags(a),
    undefined,
    'always',
  );
  const { namespace } = completeScope(a, cluster.defaultNamespace, 'annotate') as {
    namespace: string;
  };
  const scope = { all: false, namespace } as const;
  return {
    namespace,
    snapshot: await cluster.read(scope),
    client: cluster.client,
    reread: (dryRun) => (dryRun ? verifying : cluster).read(scope),
  };
}
