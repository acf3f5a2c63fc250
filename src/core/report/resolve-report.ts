import { InvalidSpecError } from '../errors.js';
import { attachFindings } from '../findings/index.js';
import { distinctUnknowns } from '../identity/unknown.js';
import { isKopiurObject, kopiurMoverKinds, kopiurRepositoryKinds } from '../kopiur/parse-kopiur.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { isKopiurPodOf, resolveKopiurSubjects } from './kopiur-subjects.js';
import type { Snapshot } from '../snapshot.js';
import {
  resolveMaintenanceSubject,
  resolveMoverSubject,
  resolveWorkloadSubject,
  type ResolvedSubject,
  subjectContext,
  type SubjectContext,
} from './subjects.js';
import type { Report, Subject } from './types.js';
import { workloadKinds } from './workloads.js';
import { textOrder } from '../text-order.js';

export const moverKinds = new Set([
  'ReplicationSource',
  'ReplicationDestination',
  'KopiaMaintenance',
]);

/** Every kind explain resolves as a mover: VolSync's and kopiur's. */
const subjectKinds = new Set([...moverKinds, ...kopiurMoverKinds]);

/** Which namespaces a report covers: one, or all. */
export type Scope = { all: true } | { all: false; namespace: string };

const inScope = (scope: Scope, ns: string) => scope.all || scope.namespace === ns;

/** Every mover and KopiaMaintenance of the snapshot, resolved (repositories are shared across namespaces). */
export function resolveAllMovers(ctx: SubjectContext): ResolvedSubject[] {
  const out: ResolvedSubject[] = [];
  for (const o of ctx.snapshot.objects) {
    const kopiurRepository = kopiurRepositoryKinds.has(o.kind) && isKopiurObject(o);
    if (!subjectKinds.has(o.kind) && !kopiurRepository) continue;
    const s = withOrigin(o, () =>
      isKopiurObject(o)
        ? resolveKopiurSubjects(ctx, o)
        : [
            o.kind === 'KopiaMaintenance'
              ? resolveMaintenanceSubject(ctx, o)
              : resolveMoverSubject(ctx, o),
          ],
    );
    for (const x of s) if (x) out.push(x);
  }
  return out;
}

/** Every mover resolved, with the findings across them (repositories are shared across namespaces). */
function moversWithFindings(ctx: SubjectContext): ResolvedSubject[] {
  // findings name the subjects they span in this order: a cluster lists kinds in another order
  // than files hold them, and the report must not depend on it
  const all = resolveAllMovers(ctx).sort(bySubject);
  attachFindings({ ...ctx, subjects: all });
  return all;
}

/** Attaches the object's file and line to a spec error so the message can point at it. */
function withOrigin<T>(o: KubeObject, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidSpecError && o.origin) e.origin = o.origin;
    throw e;
  }
}

/**
 * Resolves every mover (RS, RD, KopiaMaintenance) of the snapshot, finds the problems across them
 * (repositories are shared across namespaces) and reports those in scope, sorted by namespace,
 * kind, name.
 */
export function resolveReport(snapshot: Snapshot, scope: Scope): Report {
  const ctx = subjectContext(snapshot);
  const all = moversWithFindings(ctx);
  return assembleReport(
    all.filter((s) => inScope(scope, s.subject.namespace)),
    snapshot,
  );
}

export interface SubjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Resolves one subject (a mover or any pod-bearing object) with its findings; undefined when absent. */
export function resolveSubjectReport(snapshot: Snapshot, ref: SubjectRef): Report | undefined {
  const ctx = subjectContext(snapshot);
  if (ref.kind === 'Job') {
    const bootstrap = kopiurBootstrap(ctx, ref);
    if (bootstrap) return assembleReport([bootstrap], snapshot);
  }
  const obj = ctx.index.get(ref.kind, ref.namespace, ref.name);
  if (!obj) return undefined;
  if (subjectKinds.has(ref.kind) || kopiurRepositoryKinds.has(ref.kind)) {
    const all = moversWithFindings(ctx);
    const hit = all.filter((s) => s.object === obj);
    return assembleReport(hit, snapshot);
  }
  if (workloadKinds[ref.kind] === undefined) return undefined;
  const owned = ownedByMover(ctx, obj) ?? ofKopiur(ctx, obj);
  if (owned) return assembleReport([owned], snapshot);
  const s = withOrigin(obj, () => resolveWorkloadSubject(ctx, obj));
  attachFindings({ ...ctx, subjects: [s] });
  return assembleReport([s], snapshot);
}

/**
 * The bootstrap Job kopiur runs for a repository of the snapshot, named as kopiur names it
 * (`<repository>-bootstrap`): explained as kopiur builds it, whether or not the Job is in the input.
 */
function kopiurBootstrap(ctx: SubjectContext, ref: SubjectRef): ResolvedSubject | undefined {
  if (!ref.name.endsWith('-bootstrap')) return undefined;
  return moversWithFindings(ctx).find(
    (s) =>
      s.kopiur?.job === 'bootstrap' &&
      s.subject.namespace === ref.namespace &&
      s.subject.name === ref.name,
  );
}

/**
 * A pod of a Job kopiur created for a subject of the snapshot (its labels say which): explained
 * as kopiur builds it, then compared with the pod. Undefined for any other pod or workload.
 */
function ofKopiur(ctx: SubjectContext, pod: KubeObject): ResolvedSubject | undefined {
  if (pod.kind !== 'Pod' || pod.metadata.labels?.['app.kubernetes.io/managed-by'] !== 'kopiur')
    return undefined;
  const s = moversWithFindings(ctx).find((x) => isKopiurPodOf(pod, x));
  if (!s) return undefined;
  const ref = `Pod/${namespaceOf(pod)}/${pod.metadata.name}`;
  const newest = s.observed?.pod === ref;
  const step = {
    layer: 'kopiur' as const,
    field: 'metadata.labels',
    value: ref,
    effect: `${ref} is of the Job kopiur created for ${s.subject.kind} ${s.subject.namespace}/${s.subject.name} (app.kubernetes.io/managed-by: kopiur, its Job name or config label): explained as kopiur builds it${newest ? ', then compared with this pod' : `; compared with ${s.observed?.pod ?? 'no pod'}, the newest of its pods`}`,
    source: 'kopiur.md §11 (K:crates/api/src/consts.rs labels)',
  };
  const containers = s.containers.map((c) => ({
    ...c,
    report: { ...c.report, trace: [step, ...c.report.trace] },
  }));
  return {
    ...s,
    containers,
    subject: { ...s.subject, containers: containers.map((c) => c.report) },
  };
}

const ownerSource =
  'the controller ownerReference VolSync sets on what it creates (ctrl.SetControllerReference)';

/**
 * A Job, CronJob or Deployment VolSync created for a mover of the snapshot: explained as that
 * mover, with VolSync's layers, its container the one of this workload, and the workload itself
 * as the observation (VP025 when it is not the prediction). Undefined for any other workload.
 */
function ownedByMover(ctx: SubjectContext, w: KubeObject): ResolvedSubject | undefined {
  const by = w.metadata.controlledBy;
  const slash = by?.indexOf('/') ?? -1;
  if (by === undefined || slash < 0 || !moverKinds.has(by.slice(0, slash))) return undefined;
  const owner = ctx.index.get(by.slice(0, slash), namespaceOf(w), by.slice(slash + 1));
  if (!owner) return undefined;
  const all = moversWithFindings(ctx);
  const s = all.find((x) => x.object === owner);
  const mine = `${w.kind}/${w.metadata.name}`;
  const containers = s?.containers.filter((c) => c.report.workload === mine) ?? [];
  if (!s || containers.length === 0) return undefined;
  const step = {
    layer: 'volsync' as const,
    field: 'metadata.ownerReferences',
    value: by,
    effect: `${w.kind}/${namespaceOf(w)}/${w.metadata.name} is the workload VolSync created for ${owner.kind} ${namespaceOf(w)}/${owner.metadata.name}: explained as VolSync builds it, then compared with the ${w.kind} itself`,
    source: ownerSource,
  };
  const withStep = containers.map((c) => ({
    ...c,
    report: { ...c.report, trace: [step, ...c.report.trace] },
  }));
  return {
    ...s,
    containers: withStep,
    subject: { ...s.subject, containers: withStep.map((c) => c.report) },
  };
}

/** Namespace, kind, name: the order of reports, and of the subjects findings name. */
export const bySubject = (
  { subject: a }: Pick<ResolvedSubject, 'subject'>,
  { subject: b }: Pick<ResolvedSubject, 'subject'>,
) => textOrder(a.namespace, b.namespace) || textOrder(a.kind, b.kind) || textOrder(a.name, b.name);

/** What a report keeps of a resolved subject: the subject, and the unknowns of its containers. */
export type ReportedSubject = Pick<ResolvedSubject, 'subject'> & {
  containers: readonly {
    resolution: { unknowns: ResolvedSubject['containers'][number]['resolution']['unknowns'] };
  }[];
};

/** The report of these subjects: sorted by namespace, kind, name, with the unknowns they show. */
export function assembleReport(
  subjects: readonly ReportedSubject[],
  snapshot: Pick<Snapshot, 'unknowns'>,
): Report {
  // unknowns follow the sorted subjects, so the report does not depend on the input's order
  const ordered = [...subjects].sort(bySubject);
  const sorted: Subject[] = ordered.map((s) => s.subject);
  const shown = new Set(sorted.map((s) => `${s.kind}/${s.namespace}/${s.name}`));
  const unknowns = distinctUnknowns([
    ...snapshot.unknowns
      .filter((u) => u.about === undefined || u.about.some((k) => shown.has(k)))
      .map((u) => ({ what: u.what, reason: u.reason, dependsOn: u.dependsOn })),
    ...ordered.flatMap((s) => s.containers.flatMap((c) => c.resolution.unknowns)),
  ]);
  return { apiVersion: 'volsync-perms/v1', kind: 'IdentityReport', subjects: sorted, unknowns };
}

/** Several clusters' reports as one (fleet tables, SARIF): subjects keep their `cluster`. */
export function mergeReports(reports: Report[]): Report {
  return {
    apiVersion: 'volsync-perms/v1',
    kind: 'IdentityReport',
    subjects: reports.flatMap((r) => r.subjects),
    unknowns: distinctUnknowns(reports.flatMap((r) => r.unknowns)),
  };
}
