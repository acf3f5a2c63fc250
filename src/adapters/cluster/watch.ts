import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../core/k8s/object.js';
import { keepObject } from '../keep-object.js';
import { resourceName, type KubeClient } from './client.js';
import { ClusterError, ForbiddenError } from './errors.js';
import type { WatchedKind } from './read-cluster.js';

/** What a watch of one type hands over. */
export interface WatchSink {
  /** A list (the first, or a re-list) read these objects: they replace what was kept of the type. */
  listed(kind: WatchedKind, objects: KubeObject[]): void;
  changed(kind: WatchedKind, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
  /** An event or a bookmark arrived: the watch is alive and current. */
  heard(kind: WatchedKind): void;
  /** The watch starts again: `expired` (410 Gone, a re-list follows), `lost` (reconnects with backoff). */
  restarted(kind: WatchedKind, reason: 'expired' | 'lost', detail: string): void;
  /** RBAC refuses the list or watch: asked again with backoff. */
  refused(kind: WatchedKind, e: ForbiddenError): void;
}

export interface WatchOptions {
  /** The server ends each watch after this long; it is then resumed from the last version. */
  timeoutSeconds: number;
  /** First wait after a failure, doubled per failure in a row up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

const apiVersionOf = (k: WatchedKind) => (k.group === '' ? k.version : `${k.group}/${k.version}`);

function kept(kind: WatchedKind, item: Record<string, unknown>): KubeObject | undefined {
  try {
    return keepObject({ ...item, apiVersion: apiVersionOf(kind), kind: kind.kind }, undefined);
  } catch {
    return undefined; // the server holds no object it would reject; a bad one is not ours to fail on
  }
}

const versionOf = (o: Record<string, unknown>): string | undefined => {
  const meta = o['metadata'];
  const rv =
    typeof meta === 'object' && meta !== null
      ? (meta as Record<string, unknown>)['resourceVersion']
      : undefined;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
};

/**
 * Lists one type in every namespace, then watches it from the list's resourceVersion with
 * bookmarks, until `signal` aborts: a watch the server ends is resumed from the last version
 * seen, a 410 Gone (or an ERROR event of one) lists again, a lost connection reconnects with
 * backoff, and a refusal is asked again with backoff. Never rejects but for a bug.
 */
export async function watchKind(
  client: KubeClient,
  kind: WatchedKind,
  sink: WatchSink,
  signal: AbortSignal,
  opts: WatchOptions,
): Promise<void> {
  let version: string | undefined;
  let failures = 0;
  const wait = async () => {
    failures++;
    const ms = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** (failures - 1));
    await sleep(ms, undefined, { signal }).catch(() => undefined);
  };
  const selector = kind.labelSelector === undefined ? {} : { labelSelector: kind.labelSelector };
  while (!signal.aborted) {
    if (version === undefined) {
      try {
        const objects: KubeObject[] = [];
        const listed = await client.listPages(kind, selector, (items) => {
          for (const i of items) {
            const o = kept(kind, i);
            if (o) objects.push(o);
          }
        });
        sink.listed(kind, objects);
        version = listed;
        failures = 0;
      } catch (e) {
        if (e instanceof ForbiddenError) sink.refused(kind, e);
        else if (e instanceof ClusterError) sink.restarted(kind, 'lost', e.message);
        else throw e;
        await wait();
        continue;
      }
    }
    const error = { expired: false };
    const end = await client.watch(
      kind,
      { ...selector, resourceVersion: version, timeoutSeconds: opts.timeoutSeconds },
      (event) => {
        if (event.type === 'ERROR') {
          error.expired = event.object['code'] === 410;
          return;
        }
        version = versionOf(event.object) ?? version;
        sink.heard(kind);
        if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
          const o = kept(kind, event.object);
          if (o) sink.changed(kind, event.type, o);
        }
      },
      signal,
    );
    if (end.end === 'aborted') return;
    if (error.expired || (end.end === 'refused' && end.status === 410)) {
      sink.restarted(
        kind,
        'expired',
        'the version watched from is too old (410 Gone): listing again',
      );
      version = undefined;
    } else if (end.end === 'refused' && end.status === 403) {
      sink.refused(kind, new ForbiddenError('watch', resourceName(kind), undefined, end.why));
      version = undefined;
      await wait();
    } else if (end.end === 'refused' || end.end === 'lost') {
      sink.restarted(
        kind,
        'lost',
        end.end === 'refused' ? `HTTP ${end.status}: ${end.why}` : end.why,
      );
      await wait();
    } else failures = 0;
  }
}
