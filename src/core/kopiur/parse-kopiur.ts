import { InvalidSpecError } from '../errors.js';
import { asArray, asString, isObject, path } from '../k8s/json.js';
import { parseLabelSelector, type LabelSelector } from '../k8s/label-selector.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSecurityContext, parseSecurityContext } from '../k8s/parse-pod.js';
import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';

export const kopiurGroup = 'kopiur.home-operations.com';

/** The kopiur kinds whose movers are subjects, and the repositories they use. */
export const kopiurMoverKinds: ReadonlySet<string> = new Set([
  'SnapshotPolicy',
  'Snapshot',
  'Restore',
  'Maintenance',
]);
export const kopiurRepositoryKinds: ReadonlySet<string> = new Set([
  'Repository',
  'ClusterRepository',
]);

export const isKopiurObject = (o: KubeObject): boolean =>
  o.apiVersion.startsWith(`${kopiurGroup}/`);

/** `inheritSecurityContextFrom`, exactly one form (kopiur.md §3.2). */
export type InheritForm =
  | { form: 'pvcConsumer'; container?: string }
  | { form: 'workloadSelector'; podSelector: LabelSelector; container?: string }
  | { form: 'snapshot' };

/** A `spec.mover` (SnapshotPolicy, Snapshot, Restore, Maintenance) or `spec.maintenance.mover`. */
export interface KopiurMover {
  /** The field it is written at: `SnapshotPolicy/media/sonarr spec.mover`. */
  from: string;
  securityContext?: SecurityContext;
  podSecurityContext?: PodSecurityContext;
  privilegedMode?: boolean;
  inherit?: InheritForm;
}

export interface RepositoryRef {
  kind: 'Repository' | 'ClusterRepository';
  name: string;
  /** Set for a Repository (its own, or the referrer's namespace). */
  namespace?: string;
}

export type RepositoryBackend =
  | {
      type: 'filesystem';
      path: string;
      volume?: { pvc: string } | { nfs: { server: string; path: string } };
    }
  | { type: 'object-store'; store: string; bucket: string; prefix: string }
  | { type: 'other'; store: string };

export interface KopiurRepository {
  ref: RepositoryRef;
  backend: RepositoryBackend | undefined;
  /** `spec.moverDefaults`: the rung above the hardened one. */
  moverDefaults?: KopiurMover;
  /** `spec.maintenance`: the maintenance kopiur manages for the repository itself. */
  maintenance?: { enabled: boolean; mover?: KopiurMover; namespace?: string };
  /** `spec.create.enabled`: the bootstrap Job creates the repository when it is absent. */
  create?: boolean;
  /** `spec.encryption.passwordSecretRef.namespace`: where a ClusterRepository's bootstrap runs. */
  secretNamespace?: string;
}

const bool = (v: unknown, where: string): boolean | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw new InvalidSpecError(where, 'must be true or false', 'write a boolean');
  return v;
};

function parseInherit(raw: unknown, where: string): InheritForm | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw))
    throw new InvalidSpecError(
      where,
      'must be an object',
      'use one of pvcConsumer, workloadSelector or snapshot',
    );
  const container = (v: unknown) => {
    const c = asString(path(v, 'container'));
    return c === undefined ? {} : { container: c };
  };
  const selector = (v: unknown, at: string) => {
    const s = parseLabelSelector(path(v, 'podSelector'));
    if (s === null)
      throw new InvalidSpecError(
        at,
        'is not a label selector the API server accepts',
        'use matchLabels or valid matchExpressions',
      );
    return s;
  };
  const forms = ['pvcConsumer', 'workloadSelector', 'snapshot'].filter((k) => raw[k] !== undefined);
  // 0.4.x wrote the selector form flat: {podSelector, container} (K43:common.rs PodSelector)
  if (forms.length === 0 && raw['podSelector'] !== undefined)
    return {
      form: 'workloadSelector',
      podSelector: selector(raw, `${where}.podSelector`),
      ...container(raw),
    };
  if (forms.length !== 1)
    throw new InvalidSpecError(
      where,
      `must set exactly one of pvcConsumer, workloadSelector, snapshot (has ${forms.length})`,
      'keep one form',
    );
  const form = forms[0];
  if (form === 'pvcConsumer') return { form, ...container(raw['pvcConsumer']) };
  if (form === 'snapshot') return { form };
  const w = raw['workloadSelector'];
  return {
    form: 'workloadSelector',
    podSelector: selector(w, `${where}.workloadSelector.podSelector`),
    ...container(w),
  };
}

/** A mover block as written, or undefined when absent. */
export function parseKopiurMover(raw: unknown, from: string): KopiurMover | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new InvalidSpecError(from, 'must be an object', 'use a mover block');
  const sc = parseSecurityContext(raw['securityContext'], `${from}.securityContext`);
  const psc = parsePodSecurityContext(raw['podSecurityContext'], `${from}.podSecurityContext`);
  const pm = bool(raw['privilegedMode'], `${from}.privilegedMode`);
  const inherit = parseInherit(
    raw['inheritSecurityContextFrom'],
    `${from}.inheritSecurityContextFrom`,
  );
  return {
    from,
    ...(sc && { securityContext: sc }),
    ...(psc && { podSecurityContext: psc }),
    ...(pm !== undefined && { privilegedMode: pm }),
    ...(inherit && { inherit }),
  };
}

/** `spec.repository` of a policy, Restore or Maintenance: a Repository defaults to the referrer's namespace. */
export function parseRepositoryRef(
  raw: unknown,
  where: string,
  ns: string,
): RepositoryRef | undefined {
  if (raw === undefined || raw === null) return undefined;
  const name = asString(path(raw, 'name'));
  if (name === undefined || name === '')
    throw new InvalidSpecError(
      `${where}.name`,
      'is required',
      'name the Repository or ClusterRepository',
    );
  const kind = asString(path(raw, 'kind')) ?? 'Repository';
  if (kind !== 'Repository' && kind !== 'ClusterRepository')
    throw new InvalidSpecError(
      `${where}.kind`,
      `is ${JSON.stringify(kind)}`,
      'use Repository or ClusterRepository',
    );
  if (kind === 'ClusterRepository') return { kind, name };
  return { kind, name, namespace: asString(path(raw, 'namespace')) ?? ns };
}

const objectStores = ['s3', 'gcs', 'azure', 'b2'] as const;

function parseBackend(raw: unknown): RepositoryBackend | undefined {
  if (!isObject(raw)) return undefined;
  const fs = raw['filesystem'];
  if (isObject(fs)) {
    const p = asString(fs['path']) ?? '';
    const pvc = asString(path(fs, 'volume', 'pvc', 'name'));
    const server = asString(path(fs, 'volume', 'nfs', 'server'));
    const nfsPath = asString(path(fs, 'volume', 'nfs', 'path'));
    const volume =
      pvc !== undefined
        ? { pvc }
        : server !== undefined && nfsPath !== undefined
          ? { nfs: { server, path: nfsPath } }
          : undefined;
    return { type: 'filesystem', path: p, ...(volume && { volume }) };
  }
  for (const store of objectStores) {
    const b = raw[store];
    if (!isObject(b)) continue;
    const bucket = asString(b['bucket']) ?? asString(b['container']) ?? '';
    return { type: 'object-store', store, bucket, prefix: asString(b['prefix']) ?? '' };
  }
  const other = Object.keys(raw)[0];
  return other === undefined ? undefined : { type: 'other', store: other };
}

/** A Repository or ClusterRepository: its backend, moverDefaults and managed maintenance. */
export function parseKopiurRepository(o: KubeObject): KopiurRepository {
  const key =
    o.kind === 'ClusterRepository'
      ? `ClusterRepository/${o.metadata.name}`
      : `Repository/${namespaceOf(o)}/${o.metadata.name}`;
  const ref: RepositoryRef =
    o.kind === 'ClusterRepository'
      ? { kind: 'ClusterRepository', name: o.metadata.name }
      : { kind: 'Repository', name: o.metadata.name, namespace: namespaceOf(o) };
  const md = path(o.spec, 'moverDefaults');
  const moverDefaults = isObject(md)
    ? parseKopiurMover(
        { securityContext: md['securityContext'], podSecurityContext: md['podSecurityContext'] },
        `${key} spec.moverDefaults`,
      )
    : undefined;
  const m = path(o.spec, 'maintenance');
  const maintenance = isObject(m)
    ? (() => {
        const mover = parseKopiurMover(m['mover'], `${key} spec.maintenance.mover`);
        const namespace = asString(m['namespace']);
        return {
          enabled: bool(m['enabled'], `${key} spec.maintenance.enabled`) ?? true,
          ...(mover && { mover }),
          ...(namespace !== undefined && { namespace }),
        };
      })()
    : undefined;
  const create = bool(path(o.spec, 'create', 'enabled'), `${key} spec.create.enabled`);
  const secretNamespace = asString(path(o.spec, 'encryption', 'passwordSecretRef', 'namespace'));
  return {
    ref,
    backend: parseBackend(path(o.spec, 'backend')),
    ...(moverDefaults && { moverDefaults }),
    ...(maintenance && { maintenance }),
    ...(create !== undefined && { create }),
    ...(secretNamespace !== undefined && { secretNamespace }),
  };
}

/** The PVCs a SnapshotPolicy backs up by name (`spec.sources[].pvc.name`). */
export function policySourcePvcs(o: KubeObject): string[] {
  return asArray(path(o.spec, 'sources')).flatMap((s) => {
    const n = asString(path(s, 'pvc', 'name'));
    return n === undefined ? [] : [n];
  });
}

/** The PVC a Restore writes: `spec.target.pvcRef.name` or `spec.target.pvc.name`; populator: the PVC pointing at it. */
export function restoreTargetPvc(
  o: KubeObject,
  objects: readonly KubeObject[],
): string | undefined {
  const t = path(o.spec, 'target');
  const named = asString(path(t, 'pvcRef', 'name')) ?? asString(path(t, 'pvc', 'name'));
  if (named !== undefined) return named;
  if (path(t, 'populator') === undefined) return undefined;
  const ns = namespaceOf(o);
  return objects.find(
    (p) =>
      p.kind === 'PersistentVolumeClaim' &&
      namespaceOf(p) === ns &&
      path(p.spec, 'dataSourceRef', 'kind') === 'Restore' &&
      path(p.spec, 'dataSourceRef', 'name') === o.metadata.name,
  )?.metadata.name;
}
