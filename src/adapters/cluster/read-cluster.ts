import { limiter } from '../../bounded.js';
import type { ImageFacts } from '../../core/identity/image.js';
import type { Unknown } from '../../core/identity/unknown.js';
import { namespaceOf, type KubeObject } from '../../core/k8s/object.js';
import { isKopiurController } from '../../core/kopiur/resolve-kopiur-version.js';
import type { Scope } from '../../core/report/resolve-report.js';
import { offlineSnapshot, type Snapshot } from '../../core/snapshot.js';
import { versionOfController } from '../../core/volsync/versions/resolve-version.js';
import {
  isVolSyncController,
  resolveControllerImages,
} from '../../core/volsync/controller-images.js';
import { needsOtherNamespaces } from '../../core/report/namespace-reach.js';
import { path } from '../../core/k8s/json.js';
import { keepObject } from '../keep-object.js';
import type { KubeClient, ResourceType } from './client.js';
import { ClusterError, ForbiddenError } from './errors.js';
import { discoverPolicyApis, readScopePolicies, scopePolicyTypes } from './read-policies.js';
import { scopedToKey } from '../../core/plans/annotation-keys.js';
import type { PolicyApis } from '../../core/snapshot.js';
import { textOrder } from '../../core/text-order.js';

export interface Kind extends ResourceType {
  kind: string;
  /** What the report loses without it, for the notice of a 403. */
  purpose: string;
}

const volsyncGroup = { group: 'volsync.backube', version: 'v1alpha1' };
const readKinds = {
  namespaces: {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    purpose: 'the privileged-movers annotation and Pod Security labels',
  },
  replicationsources: {
    ...volsyncGroup,
    plural: 'replicationsources',
    kind: 'ReplicationSource',
    purpose: 'the movers',
  },
  replicationdestinations: {
    ...volsyncGroup,
    plural: 'replicationdestinations',
    kind: 'ReplicationDestination',
    purpose: 'the movers',
  },
  kopiamaintenances: {
    ...volsyncGroup,
    plural: 'kopiamaintenances',
    kind: 'KopiaMaintenance',
    purpose: 'repository maintenance',
  },
  nodes: {
    group: '',
    version: 'v1',
    plural: 'nodes',
    kind: 'Node',
    purpose: 'the platform of the nodes that run mover pods (multi-arch images)',
  },
  persistentvolumes: {
    group: '',
    version: 'v1',
    plural: 'persistentvolumes',
    kind: 'PersistentVolume',
    purpose: 'volume types (in-tree NFS ignores fsGroup)',
  },
  persistentvolumeclaims: {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    purpose: 'the volume bound to each claim',
  },
} satisfies Record<string, Kind>;

const kopiurApi = { group: 'kopiur.home-operations.com', version: 'v1alpha1' };
/** kopiur's movers and the repositories whose moverDefaults and backend they use (issue 18). */
const kopiurKinds: Kind[] = [
  ['snapshotpolicies', 'SnapshotPolicy'],
  ['snapshots', 'Snapshot'],
  ['restores', 'Restore'],
  ['maintenances', 'Maintenance'],
  ['repositories', 'Repository'],
  ['clusterrepositories', 'ClusterRepository'],
].map(([plural = '', kind = '']) => ({
  ...kopiurApi,
  plural,
  kind,
  purpose: 'the kopiur movers and their repositories',
}));

/** Workloads whose pods may mount a mover's PVC; ReplicaSets are seen through Deployments. */
const workloads: Kind[] = [
  ['', 'v1', 'pods', 'Pod'],
  ['apps', 'v1', 'deployments', 'Deployment'],
  ['apps', 'v1', 'statefulsets', 'StatefulSet'],
  ['apps', 'v1', 'daemonsets', 'DaemonSet'],
  ['batch', 'v1', 'jobs', 'Job'],
  ['batch', 'v1', 'cronjobs', 'CronJob'],
].map(([group = '', version = '', plural = '', kind = '']) => ({
  group,
  version,
  plural,
  kind,
  purpose: 'the workloads that mount a mover PVC, and the mover pods',
}));
const deployments = workloads[1] as Kind;

/** The per-mover Roles VolSync creates (volsync-semantics §4.1), for stale SCC grants. */
const roles: Kind = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  plural: 'roles',
  kind: 'Role',
  purpose: 'the SCC grants of the per-mover Roles',
};

export interface ClusterReadOptions {
  /** `--volsync-namespace`: where the controller runs, instead of searching every namespace. */
  volsyncNamespace?: string;
  imageFacts: ImageFacts[];
  builtInImages: ImageFacts[];
  chartImages: { upstream: string; fork: string };
  /**
   * When to list annotate --scoped's admission policies (cluster-scoped): only when a Namespace
   * records a scope (explain: other users are not asked for a permission they do not need), or
   * always (annotate, which must also find the policies of a scope record removed by hand).
   */
  scopePolicies?: 'always' | 'when-scoped';
}

export interface ClusterRead {
  snapshot: Snapshot;
  /** Requests the server refused: the report says what is missing and which permission fixes it. */
  forbidden: ForbiddenError[];
}

/**
 * Reads what decides mover identities from a live cluster into the Snapshot the manifest sources
 * produce. Every kind is listed once (all namespaces, or the scope's), paginated, at most
 * `concurrency` requests at a time; a 403 becomes a gap in the report, never the end of it.
 */
export async function readClusterSnapshot(
  client: KubeClient,
  scope: Scope,
  opts: ClusterReadOptions,
): Promise<ClusterRead> {
  const forbidden: ForbiddenError[] = [];
  const unknowns: Unknown[] = [];
  const objects: KubeObject[] = [];
  const refused = (k: Kind, e: ForbiddenError, what = `${k.kind} objects`) => {
    forbidden.push(e);
    unknowns.push(refusedRead(k, e, what));
  };
  const keep = (k: Kind, items: Record<string, unknown>[]) => {
    for (const item of items) {
      const o = keepObject({ ...item, apiVersion: apiVersionOf(k), kind: k.kind }, undefined);
      if (o) objects.push(o);
    }
  };
  const ns = scope.all ? undefined : scope.namespace;
  let namespacesComplete = false;
  // every list goes through one gate, whenever it starts: as many in flight as the protocol
  // allows (six until the connection opens and says it is HTTP/2)
  const slot = limiter(() => client.parallelism);
  client.onMultiplexed(slot.wake);
  const listInto = (k: Kind, opts: { namespace?: string; labelSelector?: string } = {}) =>
    slot(async () => {
      const items = await attempt(() => client.list(k, opts));
      if (items instanceof ForbiddenError) refused(k, items);
      else keep(k, items);
    });
  const inScope = ns === undefined ? {} : { namespace: ns };
  // the discovery requests go out together (one round trip, not four); VolSync's is awaited
  // first so that an unreachable server is named by its error, the others' wait handled
  const kopiurAsked = kopiurInstalled(client);
  const policiesAsked = discoverPolicyApis(client);
  // What no discovery decides is read at once, on the connection discovery opens: one round
  // trip less for every run. The same requests as after it; the movers' wait for it.
  const undiscovered = Promise.all([
    slot(async () => {
      try {
        keep(readKinds.namespaces, await client.list(readKinds.namespaces));
        namespacesComplete = true;
      } catch (e) {
        if (!(e instanceof ForbiddenError)) throw e;
        if (ns === undefined) {
          refused(readKinds.namespaces, e);
          return;
        }
        const one = await attempt(() => client.get(`/api/v1/namespaces/${ns}`, `namespace ${ns}`));
        if (one instanceof ForbiddenError) refused(readKinds.namespaces, one, `Namespace ${ns}`);
        else if (one) keep(readKinds.namespaces, [one]);
      }
    }),
    listInto(readKinds.nodes),
    listInto(readKinds.persistentvolumes),
    listInto(roles, { ...inScope, labelSelector: 'app.kubernetes.io/created-by=volsync' }),
    ...[readKinds.persistentvolumeclaims, ...workloads].map((k) => listInto(k, inScope)),
  ]);
  // a namespace's read has not read every Deployment: the controller is looked for by its label
  const controllerAsked =
    ns === undefined ? undefined : slot(() => controllerCandidates(client, opts.volsyncNamespace));
  for (const p of [kopiurAsked, policiesAsked, undiscovered, controllerAsked])
    p?.catch(() => undefined);
  // a failed discovery ends the read as a failed list does (bounded.ts)
  const failed = (e: unknown) => {
    slot.close(e instanceof Error ? e : new Error(String(e)));
    throw e;
  };
  const { api: volsync, kopiur } = await volsyncInstalled(client, () => kopiurAsked).catch(failed);
  const policyApis = await policiesAsked.catch(failed);
  const moverKindsRead: Kind[] = [
    ...(volsync === 'none'
      ? []
      : [readKinds.replicationsources, readKinds.replicationdestinations]),
    ...(volsync === 'fork' ? [readKinds.kopiamaintenances] : []),
    // a repository is shared across namespaces, kopiur's as VolSync's
    ...(kopiur ? kopiurKinds : []),
  ];
  await Promise.all([
    undiscovered,
    // the movers: of every namespace with -A; of one namespace first, the others below when its
    // repositories can be shared
    ...moverKindsRead.map((k) => listInto(k, k.kind === 'ClusterRepository' ? {} : inScope)),
    // the kopiur controller says which release builds its movers; a namespace's read lacks it
    ...(kopiur && ns !== undefined
      ? [
          slot(async () => {
            const items = await attempt(() =>
              client.list(deployments, { labelSelector: 'app.kubernetes.io/name=kopiur' }),
            );
            if (items instanceof ForbiddenError) return;
            for (const item of items) {
              const o = keepObject(
                { ...item, apiVersion: 'apps/v1', kind: 'Deployment' },
                undefined,
              );
              if (o && isKopiurController(o) && namespaceOf(o) !== ns) objects.push(o);
            }
          }),
        ]
      : []),
  ]);
  // Movers of other namespaces matter only through a repository or volume they may share with
  // this namespace's (VP003, VP011, the storage audits): read when one can be shared.
  const own = () => offlineSnapshot([...objects], [], opts.builtInImages, opts.chartImages);
  if (ns !== undefined && needsOtherNamespaces(own(), ns)) {
    const across = moverKindsRead.filter((k) => k.kind !== 'ClusterRepository');
    await Promise.all(
      across.map((k) =>
        slot(async () => {
          const all = await attempt(() => client.list(k));
          if (all instanceof ForbiddenError)
            refused(k, all, `${k.kind} objects of other namespaces`);
          else
            keep(
              k,
              all.filter((item) => path(item, 'metadata', 'namespace') !== ns),
            );
        }),
      ),
    );
  }
  // only a namespace annotate --scoped recorded can have our policies: other users are not asked
  // for a cluster-scoped permission they do not need
  if (
    opts.scopePolicies === 'always' ||
    objects.some((o) => o.kind === 'Namespace' && o.metadata.annotations?.[scopedToKey])
  )
    await readPolicies(client, policyApis, objects, forbidden, unknowns);
  // requests finish in any order; the report must not
  const byPermission = textOrder;
  forbidden.sort((a, b) => byPermission(a.permission, b.permission));
  unknowns.sort((a, b) => byPermission(a.dependsOn, b.dependsOn));

  // -A has read every Deployment; unless that was refused, the controller is among them
  const candidates =
    controllerAsked ??
    (forbidden.some((f) => f.resource === 'deployments.apps')
      ? controllerCandidates(client, opts.volsyncNamespace)
      : undefined);
  const controller = await findController(objects, opts.volsyncNamespace, candidates);
  const snapshot = offlineSnapshot(objects, opts.imageFacts, opts.builtInImages, opts.chartImages);
  if (controller instanceof ForbiddenError) {
    forbidden.push(controller);
    unknowns.push({
      what: 'the mover images the VolSync controller is configured with',
      reason: `the server refused: ${controller.serverMessage}; the Helm charts' defaults are assumed`,
      dependsOn: `RBAC: ${controller.permission}, or --volsync-namespace where you may list Deployments`,
    });
  } else if (controller) {
    snapshot.moverImages = resolveControllerImages(controller);
    const version = versionOfController(controller);
    if (version) snapshot.volsyncVersion = version;
  } else unknowns.push(controllerNotFound(opts.volsyncNamespace));
  snapshot.unknowns = unknowns;
  snapshot.namespacesComplete = namespacesComplete;
  snapshot.policyApis = policyApis;
  return { snapshot, forbidden };
}

/** A type serve watches in every namespace, with the selector a read of it uses. */
export interface WatchedKind extends Kind {
  labelSelector?: string;
}

/**
 * Every type explain reads, as serve watches them (all namespaces): VolSync's and kopiur's when
 * the API serves them, the workloads, claims, volumes, Nodes, the Roles VolSync creates and
 * annotate --scoped's policies where served. Discovery is asked as a read asks it.
 */
export async function readWatchedKinds(
  client: KubeClient,
): Promise<{ kinds: WatchedKind[]; policyApis: PolicyApis }> {
  const kopiurAsked = kopiurInstalled(client);
  const policiesAsked = discoverPolicyApis(client);
  for (const p of [kopiurAsked, policiesAsked]) p.catch(() => undefined);
  const { api: volsync, kopiur } = await volsyncInstalled(client, () => kopiurAsked);
  const policyApis = await policiesAsked;
  return { kinds: watchedKindsOf({ volsync, kopiur, policyApis }), policyApis };
}

/** The types serve watches, given what the API serves (deploy/'s ClusterRole grants all of them). */
export function watchedKindsOf(served: {
  volsync: 'none' | 'upstream' | 'fork';
  kopiur: boolean;
  policyApis: PolicyApis;
}): WatchedKind[] {
  return [
    readKinds.namespaces,
    ...(served.volsync === 'none'
      ? []
      : [readKinds.replicationsources, readKinds.replicationdestinations]),
    ...(served.volsync === 'fork' ? [readKinds.kopiamaintenances] : []),
    ...(served.kopiur ? kopiurKinds : []),
    readKinds.nodes,
    readKinds.persistentvolumes,
    readKinds.persistentvolumeclaims,
    ...workloads,
    { ...roles, labelSelector: 'app.kubernetes.io/created-by=volsync' },
    ...scopePolicyTypes(served.policyApis).map((t) => ({
      ...t,
      purpose: 'the admission policies of annotate --scoped',
    })),
  ];
}

/** What the report cannot know when the server refuses the read of a type. */
export function refusedRead(k: Kind, e: ForbiddenError, what = `${k.kind} objects`): Unknown {
  return {
    what: `${what}, needed for ${k.purpose}`,
    reason: `the server refused: ${e.serverMessage}`,
    dependsOn: `RBAC: ${e.permission}`,
  };
}

/** The unknown of a read that found no VolSync controller Deployment. */
export function controllerNotFound(volsyncNamespace: string | undefined): Unknown {
  return {
    what: 'the VolSync controller Deployment',
    reason: `no Deployment with a --<mover>-container-image flag or RELATED_IMAGE_* env ${volsyncNamespace ? `in namespace ${volsyncNamespace}` : 'labelled app.kubernetes.io/name=volsync'}; the Helm charts' defaults are assumed`,
    dependsOn: '--volsync-namespace NAMESPACE of the controller',
  };
}

async function readPolicies(
  client: KubeClient,
  apis: PolicyApis,
  objects: KubeObject[],
  forbidden: ForbiddenError[],
  unknowns: Unknown[],
): Promise<void> {
  const read = await readScopePolicies(client, apis);
  for (const item of read.objects) {
    const o = keepObject(item, undefined);
    if (o) objects.push(o);
  }
  for (const e of read.forbidden) {
    forbidden.push(e);
    unknowns.push({
      what: `admission policies of annotate --scoped (${e.resource}), needed for the movers a scope demotes or rejects`,
      reason: `the server refused: ${e.serverMessage}`,
      dependsOn: `RBAC: ${e.permission}`,
    });
  }
}

/**
 * The volsync.backube API: `fork` when it serves KopiaMaintenance, `none` when only kopiur is
 * installed; neither is an error. VolSync is asked first, so an unreachable server is named by
 * the API users of this tool know it for.
 */
async function volsyncInstalled(
  client: KubeClient,
  kopiurInstalled: () => Promise<boolean>,
): Promise<{ api: 'none' | 'upstream' | 'fork'; kopiur: boolean }> {
  const api = await attempt(() =>
    client.get('/apis/volsync.backube/v1alpha1', 'API volsync.backube/v1alpha1'),
  );
  const kopiur = await kopiurInstalled();
  // discovery refused: try the lists, they say more
  if (api instanceof ForbiddenError) return { api: 'fork', kopiur };
  if (api === undefined && kopiur) return { api: 'none', kopiur };
  if (api === undefined)
    throw new ClusterError(
      `cluster ${client.target.server}: neither VolSync nor kopiur is installed (the API serves no volsync.backube/v1alpha1 and no kopiur.home-operations.com/v1alpha1); install one, or use --context for the right cluster, or -f to read manifests`,
    );
  const resources = (api['resources'] ?? []) as { name?: string }[];
  return {
    api: resources.some((r) => r.name === 'kopiamaintenances') ? 'fork' : 'upstream',
    kopiur,
  };
}

/** The Deployments the VolSync controller may be: labelled as the charts label it, or of its namespace. */
function controllerCandidates(
  client: KubeClient,
  volsyncNamespace: string | undefined,
): Promise<Record<string, unknown>[] | ForbiddenError> {
  return attempt(() =>
    client.list(
      deployments,
      volsyncNamespace === undefined
        ? { labelSelector: 'app.kubernetes.io/name=volsync' }
        : { namespace: volsyncNamespace },
    ),
  );
}

/** The VolSync controller: among the candidates when they were listed, else among the objects read. */
async function findController(
  objects: KubeObject[],
  volsyncNamespace: string | undefined,
  candidatesAsked: Promise<Record<string, unknown>[] | ForbiddenError> | undefined,
): Promise<KubeObject | ForbiddenError | undefined> {
  const inNamespace = (o: KubeObject) =>
    volsyncNamespace === undefined || o.metadata.namespace === volsyncNamespace;
  if (candidatesAsked === undefined)
    return objects.find((o) => inNamespace(o) && isVolSyncController(o));
  const candidates = await candidatesAsked;
  if (candidates instanceof ForbiddenError) {
    // the deployments already read (the scope's) may hold it
    return objects.find(isVolSyncController) ?? candidates;
  }
  for (const item of candidates) {
    const o = keepObject({ ...item, apiVersion: 'apps/v1', kind: 'Deployment' }, undefined);
    if (o && isVolSyncController(o)) return o;
  }
  return objects.find(isVolSyncController);
}

const apiVersionOf = (k: ResourceType) => (k.group === '' ? k.version : `${k.group}/${k.version}`);

/** The value, or the ForbiddenError the request ended with; other errors propagate. */
async function attempt<T>(f: () => Promise<T>): Promise<T | ForbiddenError> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ForbiddenError) return e;
    throw e;
  }
}

/** Whether the API serves kopiur.home-operations.com/v1alpha1 (discovery refused: not listed). */
async function kopiurInstalled(client: KubeClient): Promise<boolean> {
  const api = await attempt(() =>
    client.get(
      '/apis/kopiur.home-operations.com/v1alpha1',
      'API kopiur.home-operations.com/v1alpha1',
    ),
  );
  return api !== undefined && !(api instanceof ForbiddenError);
}
