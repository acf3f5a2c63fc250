import type { ForbiddenError } from '../adapters/cluster/errors.js';
import type { WatchedKind } from '../adapters/cluster/read-cluster.js';
import type { WatchSink } from '../adapters/cluster/watch.js';
import type { ServeMetrics } from '../adapters/metrics/serve-metrics.js';
import { IdentityExposition } from './serve-exposition.js';
import type { ImageFacts } from '../core/identity/image.js';
import { defaultMoverImages, knownImages } from '../core/identity/known-images.js';
import type { Unknown } from '../core/identity/unknown.js';
import { namespaceOf, type KubeObject } from '../core/k8s/object.js';
import { isVolSyncController } from '../core/volsync/controller-images.js';
import { LiveObjects, placeOf } from '../core/live/live-objects.js';
import { LiveReport, type SnapshotBase } from '../core/live/live-report.js';
import { resolveNamespaceSeries } from '../core/live/namespace-series.js';
import { findFindingChanges, type FindingChange } from '../core/live/finding-changes.js';
import type { Subject } from '../core/report/types.js';
import { touchedNamespaces, type Touched } from '../core/live/touched-namespaces.js';
import { offlineSnapshot, type PolicyApis, type Snapshot } from '../core/snapshot.js';
import { controllerNotFound, refusedRead } from '../adapters/cluster/read-cluster.js';
import { resourceName } from '../adapters/cluster/client.js';
import { textOrder } from '../core/text-order.js';

const resource = resourceName;
const sameObject = (a: KubeObject | undefined, b: KubeObject | undefined) =>
  a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * The state serve keeps: the watched objects, the report kept current from them and the
 * metrics of it. Changes are gathered as they arrive and resolved in one batch on the next turn
 * of the event loop, once every type has been listed; a change that leaves the kept object as it
 * was (a status the tool does not read) resolves nothing.
 */
export class LiveState implements WatchSink {
  readonly objects = new LiveObjects();
  readonly report = new LiveReport();
  /** The identity and findings families of /metrics. */
  readonly exposition = new IdentityExposition();
  private readonly listedKinds = new Set<string>();
  private readonly counts = new Map<string, number>();
  private readonly refusedKinds = new Map<string, { kind: WatchedKind; e: ForbiddenError }>();
  private pending: Set<string> | 'all' = 'all';
  private pendingSince: number | undefined;
  private scheduled = false;
  private imageFacts: ImageFacts[] = [];
  /** The subjects each namespace's series show, to tell which findings appeared and cleared. */
  private readonly published = new Map<string, Subject[]>();
  private reported = false;
  private readonly imagesSeen = new Set<string>();
  private base: SnapshotBase | undefined;

  constructor(
    private readonly kinds: readonly WatchedKind[],
    private readonly metrics: ServeMetrics,
    private readonly opts: {
      policyApis: PolicyApis;
      volsyncNamespace: string | undefined;
      imageFlags: ImageFacts[];
      /** The flags' facts (--volsync-version, --nfs-squash) and the kept audits, added to every snapshot. */
      withFacts: (s: Snapshot) => Snapshot;
      now: () => number;
      /** Told once per type the server refuses, and when a watch starts again (-v). */
      log: (line: string, verbose: boolean) => void;
      /** Images a report shows for the first time: the registries are read for them. */
      onNewImages?: () => void;
      /** --events: each finding that appears or clears after the first report, with its object. */
      onFindingChange?: (change: FindingChange, object: KubeObject) => void;
    },
  ) {
    this.pendingSince = opts.now();
  }

  /** Every type has been listed (or refused) once: the report is whole. */
  get ready(): boolean {
    return this.kinds.every(
      (k) => this.listedKinds.has(resource(k)) || this.refusedKinds.has(resource(k)),
    );
  }

  /** The types not listed yet, for /readyz. */
  waitingFor(): string[] {
    return this.kinds
      .map(resource)
      .filter((r) => !this.listedKinds.has(r) && !this.refusedKinds.has(r));
  }

  listed(kind: WatchedKind, objects: KubeObject[]): void {
    const r = resource(kind);
    this.listedKinds.add(r);
    if (this.refusedKinds.delete(r)) this.touch('all');
    this.metrics.lastList.set({ resource: r }, this.opts.now() / 1000);
    const now = new Map(objects.map((o) => [`${placeOf(o)}/${o.metadata.name}`, o]));
    for (const before of this.objects.ofKind(kind.kind))
      if (!now.has(`${placeOf(before)}/${before.metadata.name}`)) this.apply(before, undefined);
    for (const o of now.values()) this.apply(this.objects.put(o), o, true);
    this.counts.set(r, objects.length);
    this.metrics.objects.set({ resource: r }, objects.length);
    // the last type's list makes the report whole, whatever it held
    this.schedule();
  }

  changed(kind: WatchedKind, type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    this.metrics.events.inc({ resource: resource(kind), type });
    const after = type === 'DELETED' ? undefined : o;
    const before = after ? this.objects.put(after) : this.objects.delete(o);
    this.apply(before, after, after !== undefined);
    const r = resource(kind);
    const n = (this.counts.get(r) ?? 0) + (after ? 1 : 0) - (before ? 1 : 0);
    this.counts.set(r, n);
    this.metrics.objects.set({ resource: r }, n);
  }

  heard(kind: WatchedKind): void {
    this.metrics.lastHeard.set({ resource: resource(kind) }, this.opts.now() / 1000);
  }

  restarted(kind: WatchedKind, reason: 'expired' | 'lost', detail: string): void {
    this.metrics.restarts.inc({ resource: resource(kind), reason });
    this.opts.log(`I watch ${resource(kind)}: ${reason}: ${detail}`, true);
  }

  refused(kind: WatchedKind, e: ForbiddenError): void {
    const r = resource(kind);
    this.metrics.restarts.inc({ resource: r, reason: 'forbidden' });
    if (!this.refusedKinds.has(r)) {
      this.opts.log(
        `warning: RBAC forbids ${e.permission}: what depends on ${kind.purpose} is reported as unknown until it is allowed`,
        false,
      );
      this.refusedKinds.set(r, { kind, e });
      this.touch('all');
    }
    this.schedule();
  }

  /** Image facts the registries gave (onNewImages asked for them): every subject again. */
  setImageFacts(facts: ImageFacts[]): void {
    this.imageFacts = facts;
    this.touch('all');
  }

  /** The snapshot of everything kept, for the registry read. */
  snapshot(): Snapshot {
    return { ...this.baseOf(), objects: this.objects.all() };
  }

  private apply(before: KubeObject | undefined, after: KubeObject | undefined, put = false): void {
    if (put && sameObject(before, after)) return;
    if (!put && before === undefined) return;
    this.touch(touchedNamespaces(before, after));
  }

  private touch(t: Touched): void {
    this.pendingSince ??= this.opts.now();
    if (t === 'all' || this.pending === 'all') this.pending = 'all';
    else for (const ns of t) this.pending.add(ns);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || !this.ready) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Resolves what the gathered changes touch and replaces those namespaces' series. */
  flush(): void {
    if (!this.ready || this.pendingSince === undefined) return;
    const touched = this.pending;
    const since = this.pendingSince;
    this.pending = new Set();
    this.pendingSince = undefined;
    const started = this.opts.now();
    if (touched === 'all' || this.base === undefined) this.base = this.baseOf();
    const refreshed = this.report.refresh(this.objects, this.base, touched);
    let newImages = false;
    for (const ns of refreshed) {
      const subjects = this.report.subjectsOf(ns).map((s) => s.subject);
      for (const s of subjects)
        for (const c of s.containers)
          if (!this.imagesSeen.has(c.image)) {
            this.imagesSeen.add(c.image);
            newImages = true;
          }
      this.exposition.replaceNamespace(ns, resolveNamespaceSeries(subjects));
      this.tellChanges(this.published.get(ns) ?? [], subjects);
      if (subjects.length > 0) this.published.set(ns, subjects);
      else this.published.delete(ns);
    }
    this.reported = true;
    if (newImages) this.opts.onNewImages?.();
    this.exposition.replaceErrors(this.report.errors().keys());
    this.metrics.subjects.set(this.report.subjectCount());
    const done = this.opts.now();
    this.metrics.resolveSeconds.observe((done - started) / 1000);
    this.metrics.reflectSeconds.observe((done - since) / 1000);
  }

  /** The findings that appeared and cleared, once there was a report to compare with. */
  private tellChanges(before: Subject[], after: Subject[]): void {
    const tell = this.opts.onFindingChange;
    if (!tell || !this.reported) return;
    for (const change of findFindingChanges(before, after)) {
      const { kind, namespace, name } = change.subject;
      const o = this.objects.get(kind, namespace, name);
      if (o) tell(change, o);
    }
  }

  /** What the snapshot holds besides the objects, as a read of the cluster gives it. */
  private baseOf(): SnapshotBase {
    const only = this.opts.volsyncNamespace;
    const controllers = this.objects
      .controllerDeployments()
      .filter((c) => !isVolSyncController(c) || only === undefined || namespaceOf(c) === only);
    const base = offlineSnapshot(
      controllers,
      this.opts.imageFlags,
      knownImages,
      defaultMoverImages,
    );
    const unknowns: Unknown[] = [...this.refusedKinds.values()]
      .map(({ kind, e }) => refusedRead(kind, e))
      .sort((a, b) => textOrder(a.dependsOn, b.dependsOn));
    if (!controllers.some(isVolSyncController)) unknowns.push(controllerNotFound(only));
    // a snapshot without objects is the base: the report adds each shard's
    return this.opts.withFacts({
      ...base,
      objects: [],
      images: this.imageFacts.length > 0 ? this.imageFacts : base.images,
      unknowns,
      namespacesComplete: !this.refusedKinds.has('namespaces'),
      policyApis: this.opts.policyApis,
    });
  }
}
