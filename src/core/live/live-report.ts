import { InvalidSpecError } from '../errors.js';
import { attachFindings } from '../findings/index.js';
import { clusterScopedKinds, namespaceOf } from '../k8s/object.js';
import { reachesOtherNamespaces } from '../report/namespace-reach.js';
import { assembleReport, bySubject, resolveAllMovers } from '../report/resolve-report.js';
import { subjectContext, type ResolvedSubject } from '../report/subjects.js';
import type { Report } from '../report/types.js';
import type { Snapshot } from '../snapshot.js';
import type { LiveObjects } from './live-objects.js';
import { shardObjects } from './shard-objects.js';
import type { Touched } from './touched-namespaces.js';

/** What a snapshot holds besides its objects: mover images, versions, unknowns of the read. */
export type SnapshotBase = Omit<Snapshot, 'objects'>;

/** What a refresh resolved again. */
export interface Refreshed {
  /** Namespaces whose subjects may have changed (their series are replaced). */
  namespaces: Set<string>;
  /** Subjects resolved. */
  subjects: number;
}

const fromNamespace = (s: ResolvedSubject) =>
  clusterScopedKinds.has(s.object.kind) ? '' : namespaceOf(s.object);

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
  private readonly own = new Map<string, ResolvedSubject[]>();
  /** Namespaces that share storage with others, resolved in the group. */
  private readonly reaching = new Set<string>();
  private group: ResolvedSubject[] = [];
  /** Why a namespace (or '' for the group) could not be resolved. */
  private readonly failed = new Map<string, string>();
  private base: SnapshotBase | undefined;

  /**
   * Resolves again what `touched` can alter, with `base` as the snapshot's other facts (a new
   * one when the controllers change, which touches 'all').
   */
  refresh(live: LiveObjects, base: SnapshotBase, touched: Touched): Refreshed {
    this.base = base;
    if (touched === 'all') {
      const all = this.refreshAll(live, base);
      if (all) return all;
    }
    const namespaces =
      touched === 'all'
        ? new Set([
            ...live.namespaces(),
            ...this.own.keys(),
            ...this.reaching,
            ...this.failed.keys(),
          ])
        : new Set(touched);
    namespaces.delete('');
    let groupChanged = touched === 'all';
    let subjects = 0;
    for (const ns of namespaces) {
      if (this.reaching.has(ns) || this.groupByNamespace().has(ns)) groupChanged = true;
      this.own.delete(ns);
      this.reaching.delete(ns);
      this.failed.delete(ns);
      const snapshot = { ...base, objects: shardObjects(live, new Set([ns])) };
      const ctx = subjectContext(snapshot);
      const mine = this.attempt(ns, () =>
        resolveAllMovers(ctx)
          .filter((s) => fromNamespace(s) === ns)
          .sort(bySubject),
      );
      if (!mine) continue;
      subjects += mine.length;
      if (reachesOtherNamespaces(snapshot, [...live.in(ns)], mine)) {
        this.reaching.add(ns);
        groupChanged = true;
      } else if (mine.length > 0) {
        attachFindings({ ...ctx, subjects: mine });
        this.own.set(ns, mine);
      }
    }
    if (groupChanged) {
      for (const s of this.group) namespaces.add(s.subject.namespace);
      subjects += this.resolveGroup(live, base);
      for (const s of this.group) namespaces.add(s.subject.namespace);
    }
    return { namespaces, subjects };
  }

  /**
   * All at once, as resolveReport does (the first list, a controller changed): one index and
   * one findings pass instead of one per namespace. Undefined when a mover does not parse: then
   * each namespace on its own, so that only its own is an error.
   */
  private refreshAll(live: LiveObjects, base: SnapshotBase): Refreshed | undefined {
    const snapshot = { ...base, objects: live.all() };
    const ctx = subjectContext(snapshot);
    let all: ResolvedSubject[];
    try {
      all = resolveAllMovers(ctx).sort(bySubject);
    } catch (e) {
      if (e instanceof InvalidSpecError) return undefined;
      throw e;
    }
    attachFindings({ ...ctx, subjects: all });
    const before = new Set([
      ...this.own.keys(),
      ...this.group.map((s) => s.subject.namespace),
      ...this.failed.keys(),
    ]);
    this.own.clear();
    this.reaching.clear();
    this.failed.clear();
    const byNamespace = new Map<string, ResolvedSubject[]>();
    for (const s of all) {
      const ns = fromNamespace(s);
      const list = byNamespace.get(ns);
      if (list) list.push(s);
      else byNamespace.set(ns, [s]);
    }
    for (const ns of live.namespaces())
      if (
        ns !== '' &&
        reachesOtherNamespaces(snapshot, [...live.in(ns)], byNamespace.get(ns) ?? [])
      )
        this.reaching.add(ns);
    this.group = [];
    for (const [ns, subjects] of byNamespace)
      if (ns === '' || this.reaching.has(ns)) this.group.push(...subjects);
      else this.own.set(ns, subjects);
    const namespaces = new Set([...before, ...all.map((s) => s.subject.namespace)]);
    return { namespaces, subjects: all.length };
  }

  /**
   * The group: the reaching namespaces' movers and what cluster-scoped objects produce, resolved
   * from their objects and those of the namespaces the group's pods run in (a ClusterRepository's
   * maintenance runs in a namespace of its own), found by resolving until they are all in.
   */
  private resolveGroup(live: LiveObjects, base: SnapshotBase): number {
    this.failed.delete('');
    const inGroup = (s: ResolvedSubject) => {
      const ns = fromNamespace(s);
      return ns === '' || this.reaching.has(ns);
    };
    const from = new Set([...this.reaching, ...this.groupByNamespace().keys()]);
    for (;;) {
      const snapshot = { ...base, objects: shardObjects(live, from) };
      const ctx = subjectContext(snapshot);
      this.group =
        this.attempt('', () => resolveAllMovers(ctx).filter(inGroup).sort(bySubject)) ?? [];
      const missing = this.group.filter((s) => !from.has(s.subject.namespace));
      if (missing.length === 0) {
        attachFindings({ ...ctx, subjects: this.group });
        return this.group.length;
      }
      for (const s of missing) from.add(s.subject.namespace);
    }
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
  subjectsOf(ns: string): ResolvedSubject[] {
    // a mover of a namespace that resolves alone runs in it: only the group's may run elsewhere
    return [...(this.own.get(ns) ?? []), ...(this.groupByNamespace().get(ns) ?? [])];
  }

  private groupIndex: { of: ResolvedSubject[]; by: Map<string, ResolvedSubject[]> } | undefined;

  private groupByNamespace(): Map<string, ResolvedSubject[]> {
    if (this.groupIndex?.of === this.group) return this.groupIndex.by;
    const by = new Map<string, ResolvedSubject[]>();
    for (const s of this.group) {
      const list = by.get(s.subject.namespace);
      if (list) list.push(s);
      else by.set(s.subject.namespace, [s]);
    }
    this.groupIndex = { of: this.group, by };
    return by;
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
    if (!this.base)
      return { apiVersion: 'volsync-perms/v1', kind: 'IdentityReport', subjects: [], unknowns: [] };
    return assembleReport(all, { ...this.base, objects: [] });
  }
}
