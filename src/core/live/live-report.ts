import { InvalidSpecError } from '../errors.js';
import { attachFindings } from '../findings/index.js';
import type { StepPool } from '../identity/shared-steps.js';
import { clusterScopedKinds, namespaceOf } from '../k8s/object.js';
import { reachesOtherNamespaces } from '../report/namespace-reach.js';
import {
  assembleReport,
  bySubject,
  resolveAllMovers,
  type ReportedSubject,
} from '../report/resolve-report.js';
import { subjectContext, type ResolvedSubject } from '../report/subjects.js';
import type { Report } from '../report/types.js';
import type { Snapshot } from '../snapshot.js';
import type { LiveObjects } from './live-objects.js';
import { shardObjects } from './shard-objects.js';
import type { Touched } from './touched-namespaces.js';

/** What a snapshot holds besides its objects: mover images, versions, unknowns of the read. */
export type SnapshotBase = Omit<Snapshot, 'objects'>;

const fromNamespace = (s: ResolvedSubject) =>
  clusterScopedKinds.has(s.object.kind) ? '' : namespaceOf(s.object);

/**
 * What is kept of a subject once its findings are attached: the report's part. The rest of a
 * resolution (objects, specs, built pods) is rebuilt when its namespace changes.
 */
const kept = (s: ResolvedSubject): ReportedSubject => ({
  subject: s.subject,
  containers: s.containers.map((c) => ({ resolution: { unknowns: c.resolution.unknowns } })),
});

/**
 * Objects resolved with one pool of shared trace steps before it starts again: the pool also holds
 * the steps of subjects since gone, and this bounds them.
 */
const poolBudget = 200_000;

/**
 * The report of a watched cluster, kept current one namespace at a time. A namespace whose
 * storage no other can share (needsOtherNamespaces says no) resolves, findings included, from
 * its own objects; the others, and what cluster-scoped objects produce (a ClusterRepository's
 * maintenance), resolve together as one group, since a finding there may span them. The report
 * is at every point the one resolveReport gives for all the objects (live-report.test.ts), and a
 * namespace whose movers do not parse is an error of its own, not the end of the others.
 */
export class LiveReport {
  /** Subjects, findings attached, of the namespaces that resolve alone. */
  private readonly own = new Map<string, ReportedSubject[]>();
  /** Namespaces that share storage with others, resolved in the group. */
  private readonly reaching = new Set<string>();
  private group: ReportedSubject[] = [];
  private groupIndex: Map<string, ReportedSubject[]> | undefined;
  /** Why a namespace (or '' for the group) could not be resolved. */
  private readonly failed = new Map<string, string>();
  private base: SnapshotBase | undefined;
  /** Equal trace steps are one object across namespaces, as in one report (shared-steps.ts). */
  private steps: StepPool = new Map();
  private stepCount = 0;

  /**
   * Resolves again what `touched` can alter, with `base` as the snapshot's other facts (a new
   * one when the controllers change, which touches 'all'). All is every namespace in turn, so
   * that only one namespace's resolution is in memory at a time. Returns the namespaces whose
   * subjects may have changed: their series are replaced.
   */
  refresh(live: LiveObjects, base: SnapshotBase, touched: Touched): Set<string> {
    this.base = base;
    if (touched === 'all') {
      this.steps = new Map();
      this.stepCount = 0;
    }
    const namespaces =
      touched === 'all'
        ? new Set([
            ...live.namespaces(),
            ...this.own.keys(),
            ...this.reaching,
            ...this.failed.keys(),
            ...this.groupByNamespace().keys(),
          ])
        : new Set(touched);
    namespaces.delete('');
    let groupChanged = touched === 'all';
    for (const ns of namespaces) {
      if (this.reaching.has(ns) || this.groupByNamespace().has(ns)) groupChanged = true;
      this.own.delete(ns);
      this.reaching.delete(ns);
      this.failed.delete(ns);
      const snapshot = { ...base, objects: shardObjects(live, new Set([ns])) };
      const ctx = this.contextOf(snapshot);
      const mine = this.attempt(ns, () =>
        resolveAllMovers(ctx)
          .filter((s) => fromNamespace(s) === ns)
          .sort(bySubject),
      );
      if (!mine) continue;
      if (reachesOtherNamespaces(snapshot, [...live.in(ns)], mine)) {
        this.reaching.add(ns);
        groupChanged = true;
      } else if (mine.length > 0) {
        attachFindings({ ...ctx, subjects: mine });
        this.own.set(ns, mine.map(kept));
      }
    }
    if (groupChanged) {
      for (const ns of this.groupByNamespace().keys()) namespaces.add(ns);
      this.resolveGroup(live, base);
      for (const ns of this.groupByNamespace().keys()) namespaces.add(ns);
    }
    return namespaces;
  }

  private contextOf(snapshot: Snapshot) {
    if (this.stepCount > poolBudget) {
      this.steps = new Map();
      this.stepCount = 0;
    }
    this.stepCount += snapshot.objects.length;
    return { ...subjectContext(snapshot), steps: this.steps };
  }

  /**
   * The group: the reaching namespaces' movers and what cluster-scoped objects produce, resolved
   * from their objects and those of the namespaces the group's pods run in (a ClusterRepository's
   * maintenance runs in a namespace of its own), found by resolving until they are all in.
   */
  private resolveGroup(live: LiveObjects, base: SnapshotBase): void {
    this.failed.delete('');
    const inGroup = (s: ResolvedSubject) => {
      const ns = fromNamespace(s);
      return ns === '' || this.reaching.has(ns);
    };
    const from = new Set([...this.reaching, ...this.groupByNamespace().keys()]);
    for (;;) {
      const snapshot = { ...base, objects: shardObjects(live, from) };
      const ctx = this.contextOf(snapshot);
      const group =
        this.attempt('', () => resolveAllMovers(ctx).filter(inGroup).sort(bySubject)) ?? [];
      const missing = group.filter((s) => !from.has(s.subject.namespace));
      if (missing.length === 0) {
        attachFindings({ ...ctx, subjects: group });
        this.group = group.map(kept);
        this.groupIndex = undefined;
        return;
      }
      for (const s of missing) from.add(s.subject.namespace);
    }
  }

  private groupByNamespace(): Map<string, ReportedSubject[]> {
    if (this.groupIndex) return this.groupIndex;
    const by = new Map<string, ReportedSubject[]>();
    for (const s of this.group) {
      const list = by.get(s.subject.namespace);
      if (list) list.push(s);
      else by.set(s.subject.namespace, [s]);
    }
    return (this.groupIndex = by);
  }

  private attempt(ns: string, f: () => ResolvedSubject[]): ResolvedSubject[] | undefined {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof InvalidSpecError)) throw e;
      this.failed.set(ns, e.message);
      return undefined;
    }
  }

  /** The subjects of a namespace (by where they run), findings attached. */
  subjectsOf(ns: string): ReportedSubject[] {
    // a mover of a namespace that resolves alone runs in it: only the group's may run elsewhere
    return [...(this.own.get(ns) ?? []), ...(this.groupByNamespace().get(ns) ?? [])];
  }

  /** Namespaces ('' for the group) whose movers do not parse, with the error. */
  errors(): ReadonlyMap<string, string> {
    return this.failed;
  }

  /** How many subjects the report holds. */
  subjectCount(): number {
    let n = this.group.length;
    for (const subjects of this.own.values()) n += subjects.length;
    return n;
  }

  /** Every subject, as `explain -A` reports them. */
  report(): Report {
    const all = [...[...this.own.values()].flat(), ...this.group];
    return assembleReport(all, this.base ?? { unknowns: [] });
  }
}
