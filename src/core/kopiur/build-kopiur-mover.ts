import { asString, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import type { PodSpec, Volume, VolumeMount } from '../k8s/types.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { NamespaceFacts } from '../volsync/privileged.js';
import { foldLadder, type Folded } from './fold.js';
import {
  decideGate,
  decideGateIfRecordedRoot,
  elevatedBy,
  type GateDecision,
  type KopiurJob,
} from './gate.js';
import { resolveInheritance, type InheritOutcome } from './inherit.js';
import { outOfScope, type InstallScope } from './install-scope.js';
import { applyInvariants, type InvariantChange } from './invariants.js';
import { hardenedRung, pinnedId, type Rung } from './ladder.js';
import {
  parseKopiurMover,
  parseKopiurRepository,
  parseRepositoryRef,
  policySourcePvcs,
  restoreTargetPvc,
  isKopiurObject,
  kopiurRepositoryKinds,
  type KopiurMover,
  type KopiurRepository,
  type RepositoryRef,
} from './parse-kopiur.js';
import { recordedSourceOf } from './recorded.js';
import type { IdField, UnknownIds } from './unknown-ids.js';
import type { KopiurVersionChoice } from './resolve-kopiur-version.js';

/** How kopiur builds one subject's mover pod, with every decision the trace explains. */
export interface KopiurBuild {
  job: KopiurJob;
  /** `Job/<name>`: kopiur names the backup Job after the Snapshot (kopiur.md §1). */
  workload: { kind: 'Job'; name: string };
  version: KopiurVersionChoice;
  rungs: Rung[];
  folded: Folded;
  invariants: InvariantChange[];
  inherit?: InheritOutcome;
  elevated: string[];
  gate: GateDecision;
  pod: PodSpec;
  repository?: KopiurRepository;
  /** The namespace the Job runs in (a ClusterRepository's maintenance: its own or the operator's). */
  namespace: string;
  /** What the build could not know or chose to ignore, each said in the trace. */
  notes: { field: string; effect: string }[];
  /**
   * Identity fields a rung the input cannot read may set (a Restore's recorded identity not in the
   * input), and no higher rung pins: the engine says them unknown instead of the rungs below.
   */
  unknownIds?: UnknownIds;
}

/** The fields an unreadable inherited rung may set that the explicit rungs above it leave open. */
function unknownUnder(explicit: readonly Rung[], why: string): KopiurBuild['unknownIds'] {
  const open = (['runAsUser', 'runAsGroup'] as const).filter((f) =>
    explicit.every((r) => pinnedId(r, f) === undefined),
  );
  const fields: IdField[] = explicit.some((r) => r.podSecurityContext?.fsGroup !== undefined)
    ? open
    : [...open, 'fsGroup'];
  return fields.length > 0 ? { fields, why } : undefined;
}

export interface KopiurContext {
  objects: readonly KubeObject[];
  index: SnapshotIndex;
  namespaces: ReadonlyMap<string, NamespaceFacts>;
  version: KopiurVersionChoice;
  moverImage: string;
  /** The namespace the kopiur controller runs in, when the input holds it. */
  operatorNamespace?: string;
  /** Where the controller watches; absent when it is not in the input (a cluster one assumed). */
  installScope?: InstallScope;
}

const originLabel = 'kopiur.home-operations.com/origin';

const jobOfKind: Record<string, KopiurJob> = {
  SnapshotPolicy: 'backup',
  Snapshot: 'backup',
  Restore: 'restore',
  Maintenance: 'maintenance',
};

const refKey = (r: RepositoryRef) =>
  r.kind === 'ClusterRepository'
    ? `ClusterRepository/${r.name}`
    : `Repository/${r.namespace}/${r.name}`;

const moverRung = (name: Rung['name'], m: KopiurMover | undefined): Rung[] =>
  m && (m.securityContext || m.podSecurityContext)
    ? [
        {
          name,
          from: m.from,
          ...(m.securityContext && { securityContext: m.securityContext }),
          ...(m.podSecurityContext && { podSecurityContext: m.podSecurityContext }),
        },
      ]
    : [];

function repoVolume(
  repo: KopiurRepository | undefined,
): { volume: Volume; mount: VolumeMount } | undefined {
  const b = repo?.backend;
  if (b?.type !== 'filesystem' || !b.volume) return undefined;
  const volume: Volume =
    'pvc' in b.volume
      ? { name: 'repo', type: 'persistentVolumeClaim', claimName: b.volume.pvc }
      : { name: 'repo', type: 'nfs', nfs: b.volume.nfs };
  return { volume, mount: { name: 'repo', mountPath: b.path } };
}

/**
 * Builds the mover pod kopiur creates for a SnapshotPolicy (its backup), a Snapshot, a Restore or
 * a Maintenance: the ladder hardened ⊂ moverDefaults ⊂ inherited ⊂ recipe ⊂ Snapshot.spec.mover
 * (kopiur.md §0 rule 3, §1), folded as the release's table says, the invariants, then the gate,
 * which decides whether the pod runs and never what it is. Volumes: the kopia cache, the source
 * (read-only, /pvc/<name>) or restore target (/restore), and a filesystem repository's volume.
 */
export function buildKopiurMover(ctx: KopiurContext, o: KubeObject): KopiurBuild | undefined {
  if (kopiurRepositoryKinds.has(o.kind)) return buildManagedMaintenance(ctx, o);
  const job = jobOfKind[o.kind];
  // a row the catalog scan found in the repository: kopiur runs no Job for it (kopiur.md §6)
  if (!job || o.metadata.labels?.[originLabel] === 'discovered') return undefined;
  const ns = namespaceOf(o);
  const key = `${o.kind}/${ns}/${o.metadata.name}`;
  const notes: KopiurBuild['notes'] = [];
  const v = ctx.version.version;
  // a Snapshot runs its policy's recipe; its own spec.mover only where the release has that layer
  const policyName =
    o.kind === 'Snapshot' ? asString(path(o.spec, 'policyRef', 'name')) : undefined;
  const policy =
    o.kind === 'SnapshotPolicy'
      ? o
      : policyName !== undefined
        ? ctx.index.get(
            'SnapshotPolicy',
            asString(path(o.spec, 'policyRef', 'namespace')) ?? ns,
            policyName,
          )
        : o.kind === 'Restore' &&
            asString(path(o.spec, 'source', 'fromPolicy', 'name')) !== undefined
          ? ctx.index.get(
              'SnapshotPolicy',
              ns,
              asString(path(o.spec, 'source', 'fromPolicy', 'name')) as string,
            )
          : undefined;
  if (o.kind === 'Snapshot' && !policy)
    notes.push({
      field: 'spec.policyRef',
      effect: `SnapshotPolicy ${policyName ?? '(none)'} is not in the input: the recipe's mover is unknown`,
    });
  const recipeObj = o.kind === 'Snapshot' ? policy : o;
  const recipe =
    recipeObj &&
    parseKopiurMover(
      path(recipeObj.spec, 'mover'),
      `${recipeObj.kind}/${ns}/${recipeObj.metadata.name} spec.mover`,
    );
  const run =
    o.kind === 'Snapshot'
      ? parseKopiurMover(path(o.spec, 'mover'), `${key} spec.mover`)
      : undefined;
  if (run && !v.snapshotMoverLayer)
    notes.push({
      field: 'spec.mover',
      effect: `kopiur ${ctx.version.tag} has no Snapshot.spec.mover (post-0.10.8, #464): ignored`,
    });
  const ref =
    parseRepositoryRef(path(o.spec, 'repository'), `${key} spec.repository`, ns) ??
    (policy
      ? parseRepositoryRef(
          path(policy.spec, 'repository'),
          `SnapshotPolicy/${ns}/${policy.metadata.name} spec.repository`,
          ns,
        )
      : undefined);
  const repoObj = ref && ctx.index.get(ref.kind, ref.namespace ?? '', ref.name);
  const repository = repoObj ? parseKopiurRepository(repoObj) : undefined;
  if (ref && !repoObj)
    notes.push({
      field: 'spec.repository',
      effect: `${refKey(ref)} is not in the input: its moverDefaults (the rung above the hardened one) and its backend are unknown`,
    });
  const sources = policy ? policySourcePvcs(policy) : [];
  const rungs: Rung[] = [hardenedRung, ...moverRung('moverDefaults', repository?.moverDefaults)];
  const data =
    job === 'backup'
      ? sources[0]
      : job === 'restore'
        ? restoreTargetPvc(o, ctx.objects)
        : undefined;
  if (job === 'backup' && sources.length > 1)
    notes.push({
      field: 'spec.sources',
      effect: `${sources.length} sources: the first, ${sources[0]}, is shown`,
    });
  let inherit: InheritOutcome | undefined;
  let unknownIds: KopiurBuild['unknownIds'];
  const explicit = moverRung('recipe', recipe);
  if (recipe?.inherit && job !== 'maintenance') {
    if (recipe.inherit.form === 'snapshot' && !v.inheritFromSnapshot)
      notes.push({
        field: 'inheritSecurityContextFrom.snapshot',
        effect: `kopiur ${ctx.version.tag} has no snapshot form (0.9.0): not inherited`,
      });
    else if (explicit.length > 0 && !v.inheritMergesWithExplicit)
      notes.push({
        field: 'inheritSecurityContextFrom',
        effect: `before 0.7.5 inheritance and an explicit context exclude each other (kopiur's webhook rejects both): the explicit one is used`,
      });
    else {
      const pins = explicit.some((r) => pinnedId(r, 'runAsUser') !== undefined);
      const recorded =
        recipe.inherit.form === 'snapshot' && job === 'restore'
          ? recordedSourceOf(o, ctx.objects, ctx.index, repoObj)
          : undefined;
      inherit = resolveInheritance(
        recipe.inherit,
        ns,
        sources,
        ctx.objects,
        ctx.index,
        pins,
        recorded,
      );
      if ('rung' in inherit) rungs.push(inherit.rung);
      if (inherit.reason === 'unknown')
        unknownIds = unknownUnder(
          explicit,
          'the Restore inherits the identity recorded on its backup, which the input does not hold (see inheritSecurityContextFrom)',
        );
    }
  }
  rungs.push(...explicit);
  if (run && v.snapshotMoverLayer) rungs.push(...moverRung('run', run));
  const privilegedMode = run?.privilegedMode ?? recipe?.privilegedMode;
  return assemble(ctx, {
    job,
    name: o.metadata.name,
    namespace: ns,
    rungs,
    privilegedMode,
    data,
    repository,
    notes,
    inherit,
    unknownIds,
  });
}

interface Parts {
  job: KopiurJob;
  name: string;
  namespace: string;
  rungs: Rung[];
  privilegedMode: boolean | undefined;
  data: string | undefined;
  repository: KopiurRepository | undefined;
  notes: KopiurBuild['notes'];
  inherit?: InheritOutcome | undefined;
  unknownIds?: KopiurBuild['unknownIds'];
}

/** Folds the rungs, applies the invariants and the gate, and lays out the pod. */
function assemble(ctx: KopiurContext, p: Parts): KopiurBuild {
  const v = ctx.version.version;
  const unreconciled = outOfScope(ctx.installScope, p.namespace, p.repository?.ref.kind);
  if (unreconciled) p.notes.push({ field: 'install scope', effect: unreconciled });
  const merged = foldLadder(p.rungs, v);
  const inv = applyInvariants(merged.securityContext, merged.podSecurityContext, v);
  const folded: Folded = {
    securityContext: inv.securityContext,
    podSecurityContext: inv.podSecurityContext,
    origins: merged.origins.map((f) => {
      const c = inv.changes.find((x) => x.field === f.field);
      return c ? { field: f.field, value: c.value, from: `kopiur ${c.rule} (${c.why})` } : f;
    }),
  };
  const elevated = elevatedBy(folded.securityContext, folded.podSecurityContext, p.privilegedMode);
  // a namespaced install's Role cannot read Namespaces: the gate's read is a 403
  const readable = ctx.installScope ? ctx.installScope.scope === 'cluster' : null;
  const facts = ctx.namespaces.get(p.namespace);
  const gate =
    elevated.length === 0 && p.unknownIds?.fields.includes('runAsUser') === true
      ? decideGateIfRecordedRoot(p.job, p.namespace, facts, readable)
      : decideGate(p.job, elevated, p.namespace, facts, readable);
  const volumes: Volume[] = [{ name: 'kopia-cache', type: 'emptyDir' }];
  const mounts: VolumeMount[] = [{ name: 'kopia-cache', mountPath: '/var/cache/kopia' }];
  if (p.data !== undefined) {
    volumes.push({ name: 'source', type: 'persistentVolumeClaim', claimName: p.data });
    mounts.push({ name: 'source', mountPath: p.job === 'restore' ? '/restore' : `/pvc/${p.data}` });
  }
  const rv = repoVolume(p.repository);
  if (rv) {
    volumes.push(rv.volume);
    mounts.push(rv.mount);
  }
  const pod: PodSpec = {
    securityContext: folded.podSecurityContext,
    containers: [
      {
        name: 'mover',
        image: ctx.moverImage,
        securityContext: folded.securityContext,
        volumeMounts: mounts,
      },
    ],
    volumes,
    serviceAccountName: 'kopiur-mover',
  };
  return {
    job: p.job,
    workload: { kind: 'Job', name: p.name },
    namespace: p.namespace,
    version: ctx.version,
    rungs: p.rungs,
    folded,
    invariants: inv.changes,
    ...(p.inherit && { inherit: p.inherit }),
    elevated,
    gate,
    pod,
    ...(p.repository && { repository: p.repository }),
    notes: p.notes,
    ...(p.unknownIds && { unknownIds: p.unknownIds }),
  };
}

/**
 * The namespace of a repository's own Job: the one its spec names, else the operator's; without
 * the controller in the input, kopiur-system, said in a note on `field`.
 */
function jobNamespace(
  ctx: KopiurContext,
  named: string | undefined,
  field: string,
  notes: KopiurBuild['notes'],
): string {
  const ns = named ?? ctx.operatorNamespace;
  if (ns !== undefined) return ns;
  notes.push({
    field,
    effect:
      "not set, and the kopiur controller is not in the input: its Job runs in the operator's namespace, kopiur-system assumed",
  });
  return 'kopiur-system';
}

/**
 * The Maintenance kopiur manages for a repository itself (default on; K43:crates/api/src/maintenance.rs
 * RepositoryMaintenanceSpec): hardened ⊂ moverDefaults ⊂ spec.maintenance.mover, in the repository's
 * namespace, or for a ClusterRepository in spec.maintenance.namespace, else the operator's.
 * Undefined when disabled, or when the input holds a Maintenance of that repository (on a cluster,
 * the managed one itself).
 */
function buildManagedMaintenance(ctx: KopiurContext, o: KubeObject): KopiurBuild | undefined {
  const repository = parseKopiurRepository(o);
  if (repository.maintenance?.enabled === false) return undefined;
  const named = ctx.objects.some((m) => {
    if (m.kind !== 'Maintenance' || !isKopiurObject(m)) return false;
    const r = parseRepositoryRef(
      path(m.spec, 'repository'),
      `Maintenance/${m.metadata.name} spec.repository`,
      namespaceOf(m),
    );
    return r !== undefined && refKey(r) === refKey(repository.ref);
  });
  if (named) return undefined;
  const notes: KopiurBuild['notes'] = [];
  const namespace = jobNamespace(
    ctx,
    repository.ref.namespace ?? repository.maintenance?.namespace,
    'spec.maintenance.namespace',
    notes,
  );
  return assemble(ctx, {
    job: 'maintenance',
    name: `${o.metadata.name}-maintenance`,
    namespace,
    rungs: [
      hardenedRung,
      ...moverRung('moverDefaults', repository.moverDefaults),
      ...moverRung('recipe', repository.maintenance?.mover),
    ],
    privilegedMode: repository.maintenance?.mover?.privilegedMode,
    data: undefined,
    repository,
    notes,
  });
}

/**
 * The bootstrap Job `<repository>-bootstrap` kopiur runs to connect to (and with spec.create.enabled
 * create) a repository it cannot reach in-process: an object store, or a filesystem on a PVC or NFS
 * volume, mounted read-write. hardened ⊂ moverDefaults, no recipe, not gated; in the Repository's
 * namespace, for a ClusterRepository in its password Secret's, else the operator's
 * (K43:crates/controller/src/repository.rs bootstrap_via_mover, cluster_repository.rs
 * bootstrap_cluster_via_mover). Undefined for a bare-path filesystem: the controller connects in
 * its own pod.
 */
export function buildBootstrap(ctx: KopiurContext, o: KubeObject): KopiurBuild | undefined {
  const repository = parseKopiurRepository(o);
  const b = repository.backend;
  if (!b || (b.type === 'filesystem' && !b.volume)) return undefined;
  const notes: KopiurBuild['notes'] = [];
  const namespace = jobNamespace(
    ctx,
    repository.ref.namespace ?? repository.secretNamespace,
    'spec.encryption.passwordSecretRef.namespace',
    notes,
  );
  notes.push({
    field: 'spec.create.enabled',
    effect: repository.create
      ? 'true: on an empty repository this Job creates it, so its UID owns the format blob kopia.repository.f (0600) every writer reads'
      : 'not true: this Job only connects and lists snapshots, so it must read the format blob kopia.repository.f (0600) whoever created it',
  });
  return assemble(ctx, {
    job: 'bootstrap',
    name: `${o.metadata.name}-bootstrap`,
    namespace,
    rungs: [hardenedRung, ...moverRung('moverDefaults', repository.moverDefaults)],
    privilegedMode: undefined,
    data: undefined,
    repository,
    notes,
  });
}
