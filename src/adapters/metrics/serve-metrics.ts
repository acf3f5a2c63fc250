import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type OpenMetricsContentType,
} from 'prom-client';

/**
 * serve's own health metrics (README "serve: metrics"), in an OpenMetrics registry of
 * prom-client with its process metrics; the identity and findings families are rendered beside
 * them by serve-exposition.ts.
 */
export class ServeMetrics {
  readonly registry = new Registry<OpenMetricsContentType>();
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
  constructor() {
    this.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    collectDefaultMetrics({ register: this.registry, prefix: 'volsync_perms_' });
  }
}
