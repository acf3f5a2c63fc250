import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type OpenMetricsContentType,
} from 'prom-client';
import type { NamespaceSeries, Series } from '../../core/live/namespace-series.js';

const moverLabels = [
  'namespace',
  'kind',
  'name',
  'container',
  'mover',
  'privileged',
  'uid',
  'gid',
  'decided_by',
] as const;

/**
 * serve's metrics (README "serve: metrics"), in one OpenMetrics registry: the identity and
 * findings series, replaced a namespace at a time, and the process's own health.
 */
export class ServeMetrics {
  readonly registry = new Registry<OpenMetricsContentType>();
  private readonly mover = new Gauge({
    name: 'volsync_perms_mover_info',
    help: 'A mover container and the identity it runs with (uid, gid: numbers or unknown), and the layer that decides its UID',
    labelNames: moverLabels,
    registers: [this.registry],
  });
  private readonly findings = new Gauge({
    name: 'volsync_perms_findings',
    help: 'Subjects of the namespace with this finding (README "Findings")',
    labelNames: ['namespace', 'code', 'severity'],
    registers: [this.registry],
  });
  private readonly drift = new Gauge({
    name: 'volsync_perms_mover_drift',
    help: 'A mover whose running pod (VP016) or created workload (VP025) is not what the prediction says',
    labelNames: ['namespace', 'kind', 'name', 'code'],
    registers: [this.registry],
  });
  private readonly errors = new Gauge({
    name: 'volsync_perms_namespace_errors',
    help: "A namespace whose movers do not parse (its subjects are not reported until they do); '' is the group of namespaces sharing storage",
    labelNames: ['namespace'],
    registers: [this.registry],
  });
  readonly subjects = new Gauge({
    name: 'volsync_perms_subjects',
    help: 'Movers and other subjects reported',
    registers: [this.registry],
  });
  readonly objects = new Gauge({
    name: 'volsync_perms_watched_objects',
    help: 'Objects kept from the watch, by resource',
    labelNames: ['resource'],
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'volsync_perms_watch_events_total',
    help: 'Watch events received, by resource and type',
    labelNames: ['resource', 'type'],
    registers: [this.registry],
  });
  readonly findingEvents = new Counter({
    name: 'volsync_perms_finding_events_total',
    help: 'serve --events: Kubernetes Events of findings that appeared or cleared, written or dropped (queue full, refused, unreachable)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly restarts = new Counter({
    name: 'volsync_perms_watch_restarts_total',
    help: 'Watches started again: expired (410 Gone, listed again), lost (reconnected with backoff), forbidden (RBAC)',
    labelNames: ['resource', 'reason'],
    registers: [this.registry],
  });
  readonly lastList = new Gauge({
    name: 'volsync_perms_last_list_timestamp_seconds',
    help: 'When the resource was last listed in full (the first list, or after a 410 Gone)',
    labelNames: ['resource'],
    registers: [this.registry],
  });
  readonly lastHeard = new Gauge({
    name: 'volsync_perms_watch_last_event_timestamp_seconds',
    help: 'When the watch of the resource last delivered an event or bookmark (lag: time() minus this)',
    labelNames: ['resource'],
    registers: [this.registry],
  });
  readonly resolveSeconds = new Histogram({
    name: 'volsync_perms_resolve_seconds',
    help: 'Time to resolve the subjects a batch of changes touches, and replace their series',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly reflectSeconds = new Histogram({
    name: 'volsync_perms_reflect_seconds',
    help: 'From a watch event arriving to the metrics reflecting it',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly shown = new Map<string, NamespaceSeries>();
  private shownErrors = new Set<string>();

  constructor() {
    this.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    collectDefaultMetrics({ register: this.registry, prefix: 'volsync_perms_' });
  }

  /** Replaces the series of a namespace with these (none: the namespace has no subjects left). */
  replaceNamespace(namespace: string, series: NamespaceSeries | undefined): void {
    const before = this.shown.get(namespace);
    if (before) {
      for (const s of before.movers) this.mover.remove(s.labels);
      for (const s of before.findings) this.findings.remove(s.labels);
      for (const s of before.drift) this.drift.remove(s.labels);
    }
    if (!series || series.movers.length + series.findings.length + series.drift.length === 0) {
      this.shown.delete(namespace);
      return;
    }
    const set = (g: Gauge, list: Series[]) => {
      for (const s of list) g.set(s.labels, s.value);
    };
    set(this.mover, series.movers);
    set(this.findings, series.findings);
    set(this.drift, series.drift);
    this.shown.set(namespace, series);
  }

  /** The namespaces whose movers do not parse, replacing the previous ones. */
  replaceErrors(namespaces: Iterable<string>): void {
    const now = new Set(namespaces);
    for (const ns of this.shownErrors) if (!now.has(ns)) this.errors.remove({ namespace: ns });
    for (const ns of now) this.errors.set({ namespace: ns }, 1);
    this.shownErrors = now;
  }
}
