import { path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { podTemplateOf } from '../report/workloads.js';

/** Where the kopiur controller watches, read from its Deployment's arguments. */
export interface InstallScope {
  /** `namespaced`: it watches one namespace and may not read Namespaces (a 403: the gate allows). */
  scope: 'cluster' | 'namespaced';
  /** The namespace a namespaced install watches. */
  namespace?: string;
  source: string;
}

/** The `--namespace` argument's value, in either spelling (`--namespace=X`, `--namespace X`). */
function namespaceArg(args: readonly string[]): string | undefined {
  for (const [i, a] of args.entries()) {
    if (a.startsWith('--namespace=')) return a.slice('--namespace='.length) || undefined;
    if (a === '--namespace') return args[i + 1];
  }
  return undefined;
}

/**
 * The install scope of a kopiur controller Deployment (K43:deploy/helm/kopiur/templates/
 * deployment.yaml args, role.yaml; K:crates/controller/src/config.rs watch_scope): its chart passes `--cluster-scope` (a
 * ClusterRole that reads Namespaces) or `--namespace=<release namespace>` (a Role: Namespaces are
 * out of reach, the gate's read is a 403 and kopiur allows the mover); with neither the controller
 * watches the whole cluster.
 */
export function installScopeOf(controller: KubeObject): InstallScope {
  const containers = path(podTemplateOf(controller), 'containers');
  const args = (Array.isArray(containers) ? containers : []).flatMap((c) => {
    const a = path(c, 'args');
    return Array.isArray(a) ? a.flatMap((x) => (typeof x === 'string' ? [x] : [])) : [];
  });
  const where = `Deployment/${namespaceOf(controller)}/${controller.metadata.name}`;
  const ns = args.includes('--cluster-scope') ? undefined : namespaceArg(args);
  if (ns === undefined)
    return {
      scope: 'cluster',
      source: `${where} ${args.includes('--cluster-scope') ? 'runs with --cluster-scope' : 'passes no --namespace: it watches the whole cluster'}`,
    };
  return {
    scope: 'namespaced',
    namespace: ns,
    source: `${where} runs with --namespace=${ns}: a namespaced install (its Role cannot read Namespaces)`,
  };
}

/**
 * Why a namespaced install never creates a Job of `namespace`: it reconciles nothing outside the
 * namespace it watches, and no ClusterRepository (a Role cannot reach a cluster-scoped kind,
 * K43:deploy/helm/kopiur/templates/role.yaml). Undefined when the install reaches it.
 */
export function outOfScope(
  scope: InstallScope | undefined,
  namespace: string,
  repositoryKind: string | undefined,
): string | undefined {
  if (scope?.namespace === undefined) return undefined;
  const why = `${scope.source}: it reconciles`;
  if (namespace !== scope.namespace)
    return `${why} nothing in ${namespace}, so this Job is never created`;
  if (repositoryKind === 'ClusterRepository')
    return `${why} no ClusterRepository, so nothing of this Job's repository runs`;
  return undefined;
}
