import { policyObjectKinds, type ScopePolicyEffect } from '../admission/scope-policy.js';
import type { Identity } from '../identity/identity.js';
import type { KopiurBuild } from '../kopiur/build-kopiur-mover.js';
import { findImageFacts } from '../identity/known-images.js';
import { imageUnknown, type ImageFacts } from '../identity/image.js';
import { shareSteps, type StepPool } from '../identity/shared-steps.js';
import { observedUserOf, reconcileObserved, type Observation } from '../identity/observed.js';
import { resolveIdentity, resolveWriterLayers, type Resolution } from '../identity/resolve.js';
import { asStringMap, type Json } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import type { Container, PodSpec } from '../k8s/types.js';
import { indexSnapshot, type SnapshotIndex } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import type { BuiltPod } from '../volsync/build-mover-pod.js';
import {
  versionFor,
  versionOfSnapshot,
  type VersionChoice,
} from '../volsync/versions/resolve-version.js';
import {
  buildMaintenancePods,
  parseKopiaMaintenance,
  type KopiaMaintenanceSpec,
} from '../volsync/kopia-maintenance.js';
import { parseMoverSpec, type MoverSpec } from '../volsync/mover-spec.js';
import { workloadManifest } from '../volsync/volsync-workloads.js';
import { workloadDrift, type FieldDrift } from '../volsync/workload-drift.js';
import { projectWorkload } from '../volsync/workload-projection.js';
import { privilegedMoversKey, type NamespaceFacts } from '../volsync/privileged.js';
import { findCreatedWorkload } from './created-workload.js';
import { predictByShape, shapeMemo, type ShapeMemo } from './mover-shapes.js';
import { mountedStorageOf } from './mounted-storage.js';
import type { ContainerReport, PodSecurityReport, Subject } from './types.js';
import { podTemplateOf, workloadKinds } from './workloads.js';

export interface ResolvedContainer {
  report: ContainerReport;
  resolution: Resolution;
  pod: PodSpec;
  built?: BuiltPod;
}

/** A subject with the internals findings need; `subject.findings` is filled in later. */
export interface ResolvedSubject {
  subject: Subject;
  object: KubeObject;
  namespaceFacts: NamespaceFacts | undefined;
  containers: ResolvedContainer[];
  mover?: MoverSpec;
  maintenance?: KopiaMaintenanceSpec;
  /** How kopiur builds the pod of a kopiur subject. */
  kopiur?: KopiurBuild;
  /** The mover pod the cluster runs or admits, and how it differs from the prediction. */
  observed?: Observation & { differences: string[] };
  /** The workloads VolSync created for it that the input holds, field by field against the prediction. */
  created?: CreatedWorkload[];
  /** For RS/RD movers: the identity of container 0 if built unprivileged. */
  whatIf?: { unprivileged: Identity };
  /** annotate --scoped's policy that demotes or rejects this mover's privileged pod. */
  scopePolicy?: ScopePolicyEffect;
}

/** A workload of the input that VolSync created for a subject, and where it is not the prediction. */
export interface CreatedWorkload {
  /** `Job/ns/name` */
  ref: string;
  /** The VolSync version whose build it is compared with. */
  version: string;
  drift: FieldDrift[];
}

export interface SubjectContext {
  snapshot: Snapshot;
  namespaces: Map<string, NamespaceFacts>;
  index: SnapshotIndex;
  /** The admission policy objects of the snapshot (few), looked at for every mover pod. */
  policies: KubeObject[];
  /** The VolSync version whose rules build the movers' workloads. */
  version: VersionChoice;
  /** The trace steps of the report's subjects, shared by value (shared-steps.ts). */
  steps: StepPool;
  /** The movers' predictions by shape (mover-shapes.ts); undefined predicts each on its own. */
  shapes?: ShapeMemo;
}

export function subjectContext(snapshot: Snapshot): SubjectContext {
  return {
    snapshot,
    namespaces: namespaceFactsOf(snapshot),
    version: versionOfSnapshot(snapshot),
    index: indexSnapshot(snapshot),
    policies: snapshot.objects.filter((o) => policyObjectKinds.has(o.kind)),
    steps: new Map(),
    shapes: shapeMemo(),
  };
}

export function namespaceFactsOf(snapshot: Snapshot): Map<string, NamespaceFacts> {
  const m = new Map<string, NamespaceFacts>();
  for (const o of snapshot.objects)
    if (o.kind === 'Namespace')
      m.set(o.metadata.name, {
        name: o.metadata.name,
        annotations: asStringMap(o.metadata.annotations),
        labels: asStringMap(o.metadata.labels),
      });
  return m;
}

export function imageFactsFor(snapshot: Snapshot, image: string): ImageFacts {
  return (
    findImageFacts(snapshot.images, image) ??
    imageUnknown(
      image,
      'not in the built-in table and not given with --image-user (the image registry is not read)',
    )
  );
}

/** Resolves a ReplicationSource/ReplicationDestination: null when VolSync builds no pod for it. */
export function resolveMoverSubject(ctx: SubjectContext, o: KubeObject): ResolvedSubject | null {
  const parsed = parseMoverSpec(o);
  if (parsed.kind === 'podless') return null;
  const m = parsed.spec;
  const ns = namespaceOf(o);
  const facts = ctx.namespaces.get(ns);
  const version = versionFor(ctx.version, m.mover === 'kopia');
  const ref = ctx.snapshot.moverImages.images[m.mover];
  const image = { ref, facts: imageFactsFor(ctx.snapshot, ref) };
  const { privileged, off, on, chosen, predicted } = predictByShape(ctx, m, facts, image);
  const built = chosen ? chosen.built : off.built;
  const live = findCreatedWorkload(ctx.index, o, built.workload);
  const seen =
    observeMoverPod(ctx, ns, built, m.name, predicted, facts) ??
    observeDryRun(ctx, `${o.kind}/${ns}/${o.metadata.name}`, ns, built, predicted, facts) ??
    (live && observeWorkload(ctx, ns, built, live, predicted, facts));
  const moverContainer = built.pod.containers[0] as Container;
  const resolution = shareSteps(
    ctx.steps,
    resolveWriterLayers(
      seen?.resolution ?? predicted,
      moverContainer,
      mountedStorageOf(ctx.snapshot, ctx.index, ns, built.pod, moverContainer),
    ),
  );
  const podSecurity: PodSecurityReport = chosen
    ? { ...chosen.r.podSecurity }
    : {
        baseline:
          off.r.podSecurity.baseline === on.r.podSecurity.baseline
            ? off.r.podSecurity.baseline
            : null,
        restricted:
          off.r.podSecurity.restricted === on.r.podSecurity.restricted
            ? off.r.podSecurity.restricted
            : null,
        violations: resolution.podSecurity.violations,
      };
  const rc: ResolvedContainer = {
    report: containerReportOf(
      built.pod.containers[0] as Container,
      `${built.workload.kind}/${built.workload.name}`,
      resolution,
    ),
    resolution,
    pod: built.pod,
    built,
  };
  return {
    subject: subjectOf(o, m.mover, privileged, [rc], podSecurity),
    object: o,
    namespaceFacts: facts,
    containers: [rc],
    mover: m,
    ...(seen && { observed: seen.observed }),
    ...(live && { created: [driftOf(built, ns, live, version)] }),
    ...(chosen?.policy && { scopePolicy: chosen.policy }),
    whatIf: { unprivileged: off.r.identity },
  };
}

/** The mover container of a pod the server holds (or admitted), resolved as any pod's. */
function resolveRealPod(
  ctx: SubjectContext,
  ns: string,
  built: BuiltPod,
  rawSpec: unknown,
  where: string,
  facts: NamespaceFacts | undefined,
): { container: string; resolution: Resolution } | undefined {
  const spec = parsePodSpec(rawSpec, where);
  const name = built.pod.containers[0]?.name;
  const c = spec.containers.find((x) => x.name === name) ?? spec.containers[0];
  if (!c) return undefined;
  const resolution = resolveIdentity({
    pod: spec,
    container: c,
    image: imageFactsFor(ctx.snapshot, c.image),
    namespace: ns,
    namespaceFacts: facts,
  });
  return { container: c.name, resolution };
}

type Seen = { resolution: Resolution; observed: Observation & { differences: string[] } };

/** What the API server did with the predicted pod in a dry run (--server-dry-run). */
function observeDryRun(
  ctx: SubjectContext,
  key: string,
  ns: string,
  built: BuiltPod,
  predicted: Resolution,
  facts: NamespaceFacts | undefined,
): Seen | undefined {
  const result = ctx.snapshot.serverDryRun?.[key];
  if (!result) return undefined;
  const seen = { via: 'dry-run', pod: `Pod/${ns}/(server-side dry run)` } as const;
  if (!result.admitted)
    return {
      resolution: {
        ...predicted,
        admitted: false,
        serverRejection: result.message,
        trace: [
          ...predicted.trace,
          {
            layer: 'admission',
            field: 'pod',
            value: seen.pod,
            effect: `the API server rejects the predicted pod: ${result.message}`,
            source: 'create with dryRun=All (every admission plugin, webhook and policy ran)',
          },
        ],
      },
      observed: { ...seen, differences: [] },
    };
  const real = resolveRealPod(ctx, ns, built, result.spec, `${key} dry-run pod spec`, facts);
  if (!real) return undefined;
  const r = reconcileObserved(predicted, real.resolution, seen, undefined);
  return {
    resolution: { ...r.resolution, admitted: true },
    observed: { ...seen, differences: r.differences },
  };
}

function driftOf(
  built: BuiltPod,
  ns: string,
  live: KubeObject,
  version: VersionChoice,
): CreatedWorkload {
  return {
    ref: `${live.kind}/${ns}/${live.metadata.name}`,
    version: version.version.id,
    drift: workloadDrift(
      projectWorkload(workloadManifest(built, ns)),
      projectWorkload(live as unknown as Json),
    ),
  };
}

/** The workload VolSync created, whose pod does not exist: its pod template is what will run. */
function observeWorkload(
  ctx: SubjectContext,
  ns: string,
  built: BuiltPod,
  live: KubeObject,
  predicted: Resolution,
  facts: NamespaceFacts | undefined,
): Seen | undefined {
  const ref = `${live.kind}/${ns}/${live.metadata.name}`;
  const real = resolveRealPod(ctx, ns, built, podTemplateOf(live), `${ref} pod template`, facts);
  if (!real) return undefined;
  const seen = { via: 'workload', pod: ref } as const;
  const r = reconcileObserved(predicted, real.resolution, seen, undefined);
  return { resolution: r.resolution, observed: { ...seen, differences: r.differences } };
}

/** The real pod VolSync created for the mover, when the cluster has one (k8s-identity §2.3). */
function observeMoverPod(
  ctx: SubjectContext,
  ns: string,
  built: BuiltPod,
  mover: string,
  predicted: Resolution,
  facts: NamespaceFacts | undefined,
): Seen | undefined {
  // syncthing's pods are found by the name label VolSync gives them (hashed past 63 characters)
  const pod = ctx.index.moverPod(
    ns,
    built.workload,
    built.labels?.['app.kubernetes.io/name'] ?? mover,
  );
  if (!pod) return undefined;
  const ref = `Pod/${ns}/${pod.metadata.name}`;
  const real = resolveRealPod(ctx, ns, built, pod.spec, `${ref} spec`, facts);
  if (!real) return undefined;
  const seen = { via: 'pod', pod: ref } as const;
  const r = reconcileObserved(
    predicted,
    real.resolution,
    seen,
    observedUserOf(pod, real.container),
  );
  return { resolution: r.resolution, observed: { ...seen, differences: r.differences } };
}

/** Resolves a KopiaMaintenance: its CronJob pod and, with trigger.manual, the manual Job pod. */
export function resolveMaintenanceSubject(ctx: SubjectContext, o: KubeObject): ResolvedSubject {
  const spec = parseKopiaMaintenance(o);
  const ns = namespaceOf(o);
  const facts = ctx.namespaces.get(ns);
  const image = ctx.snapshot.moverImages.images['kopia-maintenance'];
  const imageFacts = imageFactsFor(ctx.snapshot, image);
  const decision = {
    value: false,
    steps: [
      {
        layer: 'volsync' as const,
        field: `Namespace/${ns} annotation ${privilegedMoversKey}`,
        value: null,
        effect: 'not read: KopiaMaintenance ignores the privileged-movers annotation',
        source: 'volsync-semantics §2.8 (F:ic/kopiamaintenance_controller.go)',
      },
    ],
  };
  const version = versionFor(ctx.version, true);
  const rules = version.version.maintenance;
  const pods = rules
    ? buildMaintenancePods(spec, image, rules, version.version.moverVolumeTypes)
    : [];
  const containers = pods.map((built): ResolvedContainer => {
    const c = built.pod.containers[0] as Container;
    const r = shareSteps(
      ctx.steps,
      resolveIdentity({
        pod: built.pod,
        container: c,
        image: imageFacts,
        namespace: ns,
        namespaceFacts: facts,
        volsync: { decision, built, version },
        mounts: mountedStorageOf(ctx.snapshot, ctx.index, ns, built.pod, c),
      }),
    );
    return {
      report: containerReportOf(c, `${built.workload.kind}/${built.workload.name}`, r),
      resolution: r,
      pod: built.pod,
      built,
    };
  });
  const first = containers[0]?.resolution;
  const podSecurity: PodSecurityReport = first
    ? { ...first.podSecurity }
    : { baseline: null, restricted: null, violations: [] };
  const created = pods.flatMap((b) => {
    const live = findCreatedWorkload(ctx.index, o, b.workload);
    return live ? [driftOf(b, ns, live, version)] : [];
  });
  return {
    subject: subjectOf(o, 'kopia-maintenance', false, containers, podSecurity),
    object: o,
    namespaceFacts: facts,
    containers,
    maintenance: spec,
    ...(created.length > 0 && { created }),
  };
}

/** Resolves any pod-bearing object (Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet, ReplicaSet). */
export function resolveWorkloadSubject(ctx: SubjectContext, o: KubeObject): ResolvedSubject {
  const ns = namespaceOf(o);
  const pod = parsePodSpec(
    podTemplateOf(o),
    `${o.kind}/${ns}/${o.metadata.name} ${(workloadKinds[o.kind] ?? []).join('.')}`,
  );
  const facts = ctx.namespaces.get(ns);
  const all = [...(pod.initContainers ?? []), ...pod.containers];
  const containers = all.map((c): ResolvedContainer => {
    const r = shareSteps(
      ctx.steps,
      resolveIdentity({
        pod,
        container: c,
        image: imageFactsFor(ctx.snapshot, c.image),
        namespace: ns,
        namespaceFacts: facts,
        mounts: mountedStorageOf(ctx.snapshot, ctx.index, ns, pod, c),
      }),
    );
    return { report: containerReportOf(c, `${o.kind}/${o.metadata.name}`, r), resolution: r, pod };
  });
  const ps = containers[0]?.resolution.podSecurity ?? {
    baseline: true,
    restricted: true,
    violations: [],
  };
  return {
    subject: subjectOf(o, null, null, containers, { ...ps }),
    object: o,
    namespaceFacts: facts,
    containers,
  };
}

export function containerReportOf(c: Container, workload: string, r: Resolution): ContainerReport {
  return {
    name: c.name,
    image: c.image,
    workload,
    // the JSON carries what the table's `+?` says: more groups may be held than those listed
    identity: r.groupsIncomplete ? { ...r.identity, groupsIncomplete: true } : r.identity,
    ...(r.writesAs && { writesAs: r.writesAs }),
    trace: r.trace,
    uidDecidedBy: r.uidDecidedBy,
    groupsIncomplete: r.groupsIncomplete,
  };
}

export function subjectOf(
  o: KubeObject,
  mover: string | null,
  privileged: boolean | null,
  containers: ResolvedContainer[],
  podSecurity: PodSecurityReport,
): Subject {
  const s: Subject = {
    kind: o.kind,
    namespace: namespaceOf(o),
    name: o.metadata.name,
    mover,
    privileged,
    containers: containers.map((c) => c.report),
    podSecurity,
    findings: [],
  };
  if (o.origin) s.origin = o.origin;
  return s;
}
