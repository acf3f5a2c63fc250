import {
  buildBootstrap,
  buildKopiurMover,
  type KopiurBuild,
  type KopiurContext,
} from '../kopiur/build-kopiur-mover.js';
import { installScopeOf } from '../kopiur/install-scope.js';
import { kopiurRepositoryKinds } from '../kopiur/parse-kopiur.js';
import { assumedKopiurVersion, isKopiurController } from '../kopiur/resolve-kopiur-version.js';
import { observedUserOf, reconcileObserved } from '../identity/observed.js';
import { resolveIdentity, resolveWriterLayers } from '../identity/resolve.js';
import { shareSteps } from '../identity/shared-steps.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import type { Container } from '../k8s/types.js';
import { mountedStorageOf } from './mounted-storage.js';
import {
  imageFactsFor,
  subjectOf,
  containerReportOf,
  type ResolvedSubject,
  type SubjectContext,
} from './subjects.js';
import { textOrder } from '../text-order.js';

/** The kopiur mover image; its tag is the chart's appVersion, the controller's (kopiur.md §0 rule 1). */
export const kopiurMoverImage = (tag: string) => `ghcr.io/home-operations/kopiur-mover:${tag}`;

const managedBy = 'app.kubernetes.io/managed-by';
const configLabel = 'kopiur.home-operations.com/config';
const jobNameOf = (pod: KubeObject) =>
  pod.metadata.labels?.['batch.kubernetes.io/job-name'] ?? pod.metadata.labels?.['job-name'];

/**
 * Whether a pod is of a Job kopiur created for a build of `o`: managed-by kopiur, in the Job's
 * namespace, and its Job's name, or for a SnapshotPolicy its `config` label, since each backup Job
 * is named after its Snapshot (kopiur.md §1, §11).
 */
function isPodOf(pod: KubeObject, ns: string, build: KopiurBuild, o: KubeObject): boolean {
  if (pod.kind !== 'Pod' || pod.metadata.labels?.[managedBy] !== 'kopiur') return false;
  if (namespaceOf(pod) !== ns) return false;
  if (jobNameOf(pod) === build.workload.name) return true;
  return o.kind === 'SnapshotPolicy' && pod.metadata.labels[configLabel] === o.metadata.name;
}

/** Whether a pod is of the Job kopiur created for a resolved subject. */
export const isKopiurPodOf = (pod: KubeObject, s: ResolvedSubject): boolean =>
  s.kopiur !== undefined && isPodOf(pod, s.subject.namespace, s.kopiur, s.object);

/** The newest pod of the Jobs kopiur created for a build of `o`. */
function kopiurPod(
  ctx: SubjectContext,
  ns: string,
  build: KopiurBuild,
  o: KubeObject,
): KubeObject | undefined {
  return ctx.snapshot.objects
    .filter((p) => isPodOf(p, ns, build, o))
    .sort((a, b) =>
      textOrder(b.metadata.creationTimestamp ?? '', a.metadata.creationTimestamp ?? ''),
    )[0];
}

function kopiurContext(ctx: SubjectContext): KopiurContext {
  const version = ctx.snapshot.kopiurVersion ?? assumedKopiurVersion;
  const operator = ctx.snapshot.objects.find(isKopiurController);
  return {
    objects: ctx.snapshot.objects,
    index: ctx.index,
    namespaces: ctx.namespaces,
    version,
    moverImage: kopiurMoverImage(version.tag),
    ...(operator && {
      operatorNamespace: namespaceOf(operator),
      installScope: installScopeOf(operator),
    }),
  };
}

/**
 * The subjects of one kopiur object: a SnapshotPolicy, Snapshot, Restore or Maintenance is its
 * mover; a Repository or ClusterRepository is the maintenance kopiur manages for it and, as
 * `Job/<name>-bootstrap`, the bootstrap Job that connects to it (kopiur.md §5.2: both write it).
 */
export function resolveKopiurSubjects(ctx: SubjectContext, o: KubeObject): ResolvedSubject[] {
  const k = kopiurContext(ctx);
  const builds = [buildKopiurMover(k, o)];
  if (kopiurRepositoryKinds.has(o.kind)) builds.push(buildBootstrap(k, o));
  return builds.flatMap((b) => (b ? [resolveBuild(ctx, o, b)] : []));
}

/**
 * One kopiur Job through the same engine as a VolSync mover (image → pod → container → kopiur →
 * admission → runtime → storage), then the real pod when the cluster has one.
 */
function resolveBuild(ctx: SubjectContext, o: KubeObject, build: KopiurBuild): ResolvedSubject {
  // a ClusterRepository's maintenance runs where kopiur puts its Job, not in the object's namespace
  const ns = build.namespace;
  const facts = ctx.namespaces.get(ns);
  const container = build.pod.containers[0] as Container;
  const predicted = resolveIdentity({
    pod: build.pod,
    container,
    image: imageFactsFor(ctx.snapshot, container.image),
    namespace: ns,
    namespaceFacts: facts,
    kopiur: build,
  });
  const pod = kopiurPod(ctx, ns, build, o);
  let resolution = predicted;
  let observed: ResolvedSubject['observed'];
  if (pod) {
    const ref = `Pod/${ns}/${pod.metadata.name}`;
    const spec = parsePodSpec(pod.spec, `${ref} spec`);
    const c = spec.containers.find((x) => x.name === 'mover') ?? spec.containers[0];
    if (c) {
      const real = resolveIdentity({
        pod: spec,
        container: c,
        image: imageFactsFor(ctx.snapshot, c.image),
        namespace: ns,
        namespaceFacts: facts,
      });
      const seen = { via: 'pod', pod: ref } as const;
      const r = reconcileObserved(predicted, real, seen, observedUserOf(pod, c.name));
      resolution = r.resolution;
      observed = { ...seen, differences: r.differences };
    }
  }
  resolution = shareSteps(
    ctx.steps,
    resolveWriterLayers(
      resolution,
      container,
      mountedStorageOf(ctx.snapshot, ctx.index, ns, build.pod, container),
    ),
  );
  const rc = {
    report: containerReportOf(container, `Job/${build.workload.name}`, resolution),
    resolution,
    pod: build.pod,
  };
  const subject = subjectOf(o, 'kopiur', build.elevated.length > 0, [rc], {
    ...predicted.podSecurity,
  });
  // the bootstrap Job is no object of the input: it is named as kopiur names it
  const named = build.job === 'bootstrap' ? { kind: 'Job', name: build.workload.name } : {};
  return {
    subject: { ...subject, namespace: ns, ...named },
    object: o,
    namespaceFacts: facts,
    containers: [rc],
    kopiur: build,
    ...(observed && { observed }),
  };
}
