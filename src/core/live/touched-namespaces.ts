import { path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { isController } from './live-objects.js';

/** Which subjects a change can alter: those of some namespaces, or all of them. */
export type Touched = 'all' | ReadonlySet<string>;

/**
 * The namespaces whose subjects a change of one object (before and after; either may be absent)
 * can alter. A Namespace alters its own (privileged-movers, Pod Security labels); a
 * PersistentVolume those of the claim it is bound to (all, unbound); a namespaced object its namespace's. Nodes
 * (image platforms), admission policies, kopiur ClusterRepositories and the controllers (mover
 * images and versions) alter every namespace.
 */
export function touchedNamespaces(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): Touched {
  const out = new Set<string>();
  for (const o of [before, after]) {
    if (!o) continue;
    switch (o.kind) {
      case 'Namespace':
        out.add(o.metadata.name);
        break;
      case 'PersistentVolume': {
        // unbound, a claim may still name it in volumeName: which one is not known here
        const claimNs = path(o.spec, 'claimRef', 'namespace');
        if (typeof claimNs !== 'string') return 'all';
        out.add(claimNs);
        break;
      }
      case 'Node':
      case 'ClusterRepository':
      case 'MutatingAdmissionPolicy':
      case 'MutatingAdmissionPolicyBinding':
      case 'ValidatingAdmissionPolicy':
      case 'ValidatingAdmissionPolicyBinding':
        return 'all';
      default:
        if (isController(o)) return 'all';
        out.add(namespaceOf(o));
    }
  }
  return out;
}
