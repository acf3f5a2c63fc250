import { path } from './k8s/json.js';
import { pushTo } from './multimap.js';
import { clusterScopedKinds, namespaceOf, type KubeObject } from './k8s/object.js';
import { podTemplateOf } from './report/workloads.js';
import type { Snapshot } from './snapshot.js';

/** Workload kinds whose pods mount application data; a ReplicaSet is counted through its Deployment. */
const dataOwnerKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'Job', 'CronJob']);

/**
 * Lookups the rules make per mover, built once per snapshot: without them every rule that looks up
 * a Namespace, PVC, PV or the workloads of a claim scans all objects, quadratic on a cluster dump.
 */
export interface SnapshotIndex {
  /** The object of that kind and name; `namespace` is ignored for cluster-scoped kinds. */
  get(kind: string, namespace: string, name: string): KubeObject | undefined;
  /** Workloads (not created by VolSync) whose pod template mounts the PVC `claim` of `namespace`. */
  claimUsers(namespace: string, claim: string): readonly KubeObject[];
}

const keyOf = (kind: string, namespace: string, name: string) =>
  `${kind}\u0000${clusterScopedKinds.has(kind) ? '' : namespace}\u0000${name}`;

const createdByVolSync = (o: KubeObject) =>
  o.metadata.labels?.['app.kubernetes.io/created-by']?.includes('volsync') === true;

function claimsOf(o: KubeObject): string[] {
  const vols = path(podTemplateOf(o), 'volumes');
  if (!Array.isArray(vols)) return [];
  return vols
    .map((v) => path(v, 'persistentVolumeClaim', 'claimName'))
    .filter((c): c is string => typeof c === 'string');
}

export function indexSnapshot(snapshot: Snapshot): SnapshotIndex {
  const objects = new Map<string, KubeObject>();
  const users = new Map<string, KubeObject[]>();
  for (const o of snapshot.objects) {
    const ns = namespaceOf(o);
    const key = keyOf(o.kind, ns, o.metadata.name);
    // a duplicate (a tree read twice) resolves to its first copy, the same for every rule
    if (!objects.has(key)) objects.set(key, o);
    if (!dataOwnerKinds.has(o.kind) || createdByVolSync(o)) continue;
    for (const claim of new Set(claimsOf(o))) {
      pushTo(users, `${ns}\u0000${claim}`, o);
    }
  }
  return {
    get: (kind, namespace, name) => objects.get(keyOf(kind, namespace, name)),
    claimUsers: (namespace, claim) => users.get(`${namespace}\u0000${claim}`) ?? [],
  };
}
