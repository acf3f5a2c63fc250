import { isKopiurController } from '../kopiur/resolve-kopiur-version.js';
import { path } from '../k8s/json.js';
import { clusterScopedKinds, namespaceOf, type KubeObject } from '../k8s/object.js';
import { isVolSyncController } from '../volsync/controller-images.js';

/** Where an object is kept: its namespace, '' for a cluster-scoped kind. */
export const placeOf = (o: KubeObject): string =>
  clusterScopedKinds.has(o.kind) ? '' : namespaceOf(o);

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;

/** A VolSync or kopiur controller Deployment: it decides the mover images and versions of every namespace. */
export const isController = (o: KubeObject): boolean =>
  isVolSyncController(o) || isKopiurController(o);

const claimNamespaceOf = (pv: KubeObject): string | undefined => {
  const ns = path(pv.spec, 'claimRef', 'namespace');
  return typeof ns === 'string' ? ns : undefined;
};

/**
 * The objects a watch keeps, by namespace ('' for cluster-scoped kinds) and then `Kind/name`: an
 * event replaces one object, and a namespace's objects are read without scanning the others.
 * PersistentVolumes are kept apart, by name and by the namespace of their claim: a cluster has
 * one per claim, and a namespace needs only its own.
 */
export class LiveObjects {
  private readonly byPlace = new Map<string, Map<string, KubeObject>>();
  private readonly volumes = new Map<string, KubeObject>();
  private readonly volumesByClaim = new Map<string, Set<string>>();
  private readonly controllers = new Map<string, KubeObject>();

  /** Puts `o` in place of the object of its kind, namespace and name; returns the one it replaced. */
  put(o: KubeObject): KubeObject | undefined {
    const before = this.delete(o);
    if (o.kind === 'PersistentVolume') {
      this.volumes.set(o.metadata.name, o);
      const ns = claimNamespaceOf(o);
      if (ns !== undefined) {
        let names = this.volumesByClaim.get(ns);
        if (!names) this.volumesByClaim.set(ns, (names = new Set()));
        names.add(o.metadata.name);
      }
      return before;
    }
    const place = placeOf(o);
    let objects = this.byPlace.get(place);
    if (!objects) this.byPlace.set(place, (objects = new Map<string, KubeObject>()));
    objects.set(keyOf(o), o);
    if (isController(o)) this.controllers.set(`${place}/${keyOf(o)}`, o);
    return before;
  }

  /** Removes the object of `o`'s kind, namespace and name; returns it, undefined when absent. */
  delete(o: KubeObject): KubeObject | undefined {
    if (o.kind === 'PersistentVolume') {
      const before = this.volumes.get(o.metadata.name);
      if (!before) return undefined;
      this.volumes.delete(o.metadata.name);
      const ns = claimNamespaceOf(before);
      const names = ns === undefined ? undefined : this.volumesByClaim.get(ns);
      names?.delete(o.metadata.name);
      if (ns !== undefined && names?.size === 0) this.volumesByClaim.delete(ns);
      return before;
    }
    const place = placeOf(o);
    const objects = this.byPlace.get(place);
    const before = objects?.get(keyOf(o));
    if (!objects || !before) return undefined;
    objects.delete(keyOf(o));
    if (objects.size === 0) this.byPlace.delete(place);
    this.controllers.delete(`${place}/${keyOf(o)}`);
    return before;
  }

  /** The object of a kind, namespace ('' for cluster-scoped kinds) and name. */
  get(kind: string, place: string, name: string): KubeObject | undefined {
    if (kind === 'PersistentVolume') return this.volumes.get(name);
    return this.byPlace.get(place)?.get(`${kind}/${name}`);
  }

  /** The objects of one kind, wherever they are (a re-list compares them with what it read). */
  ofKind(kind: string): KubeObject[] {
    if (kind === 'PersistentVolume') return [...this.volumes.values()];
    const out: KubeObject[] = [];
    for (const objects of this.byPlace.values())
      for (const o of objects.values()) if (o.kind === kind) out.push(o);
    return out;
  }

  /** The objects of a namespace; '' for the cluster-scoped ones but PersistentVolumes. */
  in(place: string): Iterable<KubeObject> {
    return this.byPlace.get(place)?.values() ?? [];
  }

  /** The PersistentVolumes a claim of the namespace is bound to, by claimRef or by volumeName. */
  volumesOf(namespace: string): KubeObject[] {
    const names = new Set(this.volumesByClaim.get(namespace));
    for (const o of this.in(namespace)) {
      const volume = o.kind === 'PersistentVolumeClaim' && path(o.spec, 'volumeName');
      if (typeof volume === 'string') names.add(volume);
    }
    return [...names].flatMap((n) => this.volumes.get(n) ?? []);
  }

  /** Every namespace that holds an object, or that a Namespace object names. */
  namespaces(): Set<string> {
    const out = new Set([...this.byPlace.keys()].filter((p) => p !== ''));
    for (const o of this.in('')) if (o.kind === 'Namespace') out.add(o.metadata.name);
    return out;
  }

  /** The VolSync and kopiur controller Deployments. */
  controllerDeployments(): KubeObject[] {
    return [...this.controllers.values()];
  }

  all(): KubeObject[] {
    return [
      ...[...this.byPlace.values()].flatMap((objects) => [...objects.values()]),
      ...this.volumes.values(),
    ];
  }
}
