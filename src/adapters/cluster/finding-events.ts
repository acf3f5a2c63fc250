import { hostname } from 'node:os';
import type { FindingChange } from '../../core/live/finding-changes.js';
import type { KubeObject } from '../../core/k8s/object.js';
import type { KubeClient } from './client.js';
import { ClusterError, ForbiddenError } from './errors.js';

/** Events waiting to be written, at most; more are dropped (and counted) rather than held. */
const maxQueued = 1000;

/**
 * Writes a Kubernetes Event on the VolSync (or kopiur) object of each finding that appears or
 * clears (serve --events): one at a time, in order, never failing serve. A refusal (RBAC) is
 * told once; an unreachable server drops the event.
 */
export class FindingEvents {
  private readonly queue: { change: FindingChange; object: KubeObject }[] = [];
  private draining: Promise<void> | undefined;
  private refusedOnce = false;

  constructor(
    private readonly client: KubeClient,
    private readonly log: (line: string) => void,
    /** Told of each event: written, or dropped (queue full, refused, unreachable). */
    private readonly count: (result: 'written' | 'dropped') => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Queues the events of these changes; `object` is the subject's object as the watch keeps it. */
  add(change: FindingChange, object: KubeObject): void {
    if (this.queue.length >= maxQueued) {
      this.count('dropped');
      return;
    }
    this.queue.push({ change, object });
    this.startDraining();
  }

  private startDraining(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // an event queued as the last write ended is not left behind
      if (this.queue.length > 0) this.startDraining();
    });
  }

  /** Resolves once every queued event has been written or dropped. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift())
      await this.write(next.change, next.object);
  }

  private async write({ change, subject, finding }: FindingChange, o: KubeObject): Promise<void> {
    const at = this.now().toISOString();
    const ns = subject.namespace;
    const message = `${finding.code}${change === 'cleared' ? ' cleared' : ''}: ${finding.message}`;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${o.metadata.name}.`, namespace: ns },
      involvedObject: {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: ns,
        ...(o.metadata.uid !== undefined && { uid: o.metadata.uid }),
      },
      reason: change === 'raised' ? 'FindingRaised' : 'FindingCleared',
      // the API server refuses messages over 1 KiB
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      type: change === 'raised' && finding.severity !== 'info' ? 'Warning' : 'Normal',
      source: { component: 'volsync-perms' },
      reportingComponent: 'volsync-perms',
      reportingInstance: hostname(),
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    try {
      const r = await this.client.call(
        'POST',
        `/api/v1/namespaces/${ns}/events`,
        { verb: 'create', resource: 'events', namespace: ns },
        event,
      );
      this.count(r.status < 300 ? 'written' : 'dropped');
    } catch (e) {
      this.count('dropped');
      if (e instanceof ForbiddenError) {
        if (!this.refusedOnce)
          this.log(
            `warning: RBAC forbids ${e.permission}: serve --events writes no Events; apply deploy/events or drop --events`,
          );
        this.refusedOnce = true;
      } else if (!(e instanceof ClusterError)) throw e;
    }
  }
}
