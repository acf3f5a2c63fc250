/** Where a manifest object came from, so findings can point at a file and line (SARIF). */
export interface Origin {
  file: string;
  /** 1-based line of the object's first line. */
  line: number;
  /** The Flux Kustomization that rendered it from this template (--flux), `namespace/name`. */
  via?: string;
  /**
   * The postBuild variables the template read, each with where its value came from; `open` when
   * the cluster may use another value (a substituteFrom source that cannot be read may set it).
   */
  variables?: { name: string; from: string; open?: boolean }[];
  /**
   * Where a kustomize patch to this object belongs (--flux): the kustomization that renders it
   * and the object's name there, before that kustomization's namespace transformer renames it.
   */
  patchAt?: { file: string; name: string };
}

/** The line a field of the object at `origin` is written on (its first line when not found). */
export type LocateField = (origin: Origin, field: readonly (string | number)[]) => number;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /**
   * `Kind/name` of the object's controller: a Pod's Job (the audit's users of a volume skip
   * them), a Job's ReplicationSource (the mover a VolSync workload belongs to).
   */
  controlledBy?: string;
}

/** A Kubernetes object as a source read it: plain JSON plus where it came from. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  origin?: Origin;
  /**
   * Fields written somewhere other than the object's own document, e.g. an annotation a kustomize
   * patch adds: findings about them point there.
   */
  fieldOrigins?: { field: readonly (string | number)[]; origin: Origin }[];
}

/** `Kind/namespace/name` or `Kind/name`, the way findings name objects. */
export function objectKey(o: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  const ns = o.metadata.namespace;
  return ns === undefined ? `${o.kind}/${o.metadata.name}` : `${o.kind}/${ns}/${o.metadata.name}`;
}

/** Kinds without a namespace among those the tool reads. */
export const clusterScopedKinds: ReadonlySet<string> = new Set([
  'Namespace',
  'PersistentVolume',
  'Node',
  'ClusterRepository',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

/** The namespace of a namespaced object; a manifest without one lands in `default`, as kubectl applies it. */
export function namespaceOf(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace ?? 'default';
}
