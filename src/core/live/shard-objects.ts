import { namespaceOf, type KubeObject } from '../k8s/object.js';
import type { LiveObjects } from './live-objects.js';

/**
 * What the subjects of some namespaces resolve from: their objects and Namespaces, the other
 * cluster-scoped objects (Nodes, policies, ClusterRepositories), the PersistentVolumes their
 * claims are bound to, and the controller Deployments wherever they run. Resolving a namespace from these
 * gives the subjects a read of the whole cluster gives it (live-report.test.ts checks it).
 */
export function shardObjects(live: LiveObjects, namespaces: ReadonlySet<string>): KubeObject[] {
  const out: KubeObject[] = [];
  const volumes = new Set<KubeObject>();
  for (const ns of namespaces) {
    out.push(...live.in(ns));
    for (const pv of live.volumesOf(ns)) volumes.add(pv);
  }
  // a namespace's subjects read its own Namespace only: all of them in every shard would be a
  // cluster's Namespaces resolved again per namespace
  for (const o of live.in(''))
    if (o.kind !== 'Namespace' || namespaces.has(o.metadata.name)) out.push(o);
  out.push(...volumes);
  for (const c of live.controllerDeployments()) if (!namespaces.has(namespaceOf(c))) out.push(c);
  return out;
}
