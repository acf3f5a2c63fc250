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
  /**
   * The newest Pod of a mover workload VolSync created: a Job's by its `job-name` label, the
   * syncthing Deployment's by the labels VolSync puts on it (volsync-semantics §6.1).
   */
  moverPod(
    namespace: string,
    workload: { kind: string; name: string },
    /** The mover's name: for syncthing, its pods' `app.kubernetes.io/name` label value. */
    mover: string,
  ): KubeObject | undefined;
}

/**
 * Objects by kind, then namespace ('' for cluster-scoped kinds), then name: rules look objects up
 * several times per mover, and nested maps answer without building a key string each time.
 */
type ByName = Map<string, Map<string, Map<string, KubeObject>>>;

const scopeOf = (kind: string, namespace: string) =>
  clusterScopedKinds.has(kind) ? '' : namespace;

function lookup(objects: ByName, kind: string, namespace: string, name: string) {
  return objects.get(kind)?.get(scopeOf(kind, namespace))?.get(name);
}

function addFirst(objects: ByName, o: KubeObject, namespace: string): void {
  let byNs = objects.get(o.kind);
  if (!byNs) objects.set(o.kind, (byNs = new Map<string, Map<string, KubeObject>>()));
  const scope = scopeOf(o.kind, namespace);
  let byName = byNs.get(scope);
  if (!byName) byNs.set(scope, (byName = new Map<string, KubeObject>()));
  // a duplicate (a tree read twice) resolves to its first copy, the same for every rule
  if (!byName.has(o.metadata.name)) byName.set(o.metadata.name, o);
}

const createdByVolSync = (o: KubeObject) =>
  o.metadata.labels?.['app.kubernetes.io/created-by']?.includes('volsync') === true;

function claimsOf(o: KubeObject): string[] {
  const vols = path(podTemplateOf(o), 'volumes');
  if (!Array.isArray(vols)) return [];
  return vols
    .map((v) => path(v, 'persistentVolumeClaim', 'claimName'))
    .filter((c): c is string => typeof c === 'string');
}

const jobOf = (pod: KubeObject) =>
  pod.metadata.labels?.['batch.kubernetes.io/job-name'] ?? pod.metadata.labels?.['job-name'];

function syncthingOf(pod: KubeObject): string | undefined {
  const l = pod.metadata.labels;
  return l?.['app.kubernetes.io/component'] === 'syncthing-mover'
    ? l['app.kubernetes.io/name']
    : undefined;
}

const newest = (pods: KubeObject[] | undefined) =>
  pods?.reduce((a, b) =>
    (b.metadata.creationTimestamp ?? '') > (a.metadata.creationTimestamp ?? '') ? b : a,
  );

const built = new WeakMap<readonly KubeObject[], { size: number; index: SnapshotIndex }>();

/**
 * The index of the snapshot's objects, built once per objects array: the registry step and the
 * report both ask for it, and a snapshot copied with other image facts keeps its objects. An array
 * that grew since (a reader still adding) is indexed anew.
 */
export function indexSnapshot(snapshot: Snapshot): SnapshotIndex {
  const hit = built.get(snapshot.objects);
  if (hit?.size === snapshot.objects.length) return hit.index;
  const index = buildIndex(snapshot);
  built.set(snapshot.objects, { size: snapshot.objects.length, index });
  return index;
}

function buildIndex(snapshot: Snapshot): SnapshotIndex {
  const objects: ByName = new Map();
  const users = new Map<string, KubeObject[]>();
  const moverPods = new Map<string, KubeObject[]>();
  for (const o of snapshot.objects) {
    const ns = namespaceOf(o);
    if (o.kind === 'Pod' && createdByVolSync(o)) {
      const job = jobOf(o);
      const syncthing = syncthingOf(o);
      if (job !== undefined) pushTo(moverPods, `${ns}\u0000Job\u0000${job}`, o);
      if (syncthing !== undefined) pushTo(moverPods, `${ns}\u0000Deployment\u0000${syncthing}`, o);
    }
    addFirst(objects, o, ns);
    if (!dataOwnerKinds.has(o.kind) || createdByVolSync(o)) continue;
    for (const claim of new Set(claimsOf(o))) {
      pushTo(users, `${ns}\u0000${claim}`, o);
    }
  }
  return {
    get: (kind, namespace, name) => lookup(objects, kind, namespace, name),
    claimUsers: (namespace, claim) => users.get(`${namespace}\u0000${claim}`) ?? [],
    moverPod: (namespace, workload, mover) =>
      newest(
        moverPods.get(
          `${namespace}\u0000${workload.kind}\u0000${workload.kind === 'Deployment' ? mover : workload.name}`,
        ),
      ),
  };
}
