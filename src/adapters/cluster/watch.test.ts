import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../core/k8s/object.js';
import type { KubeClient, WatchEnd } from './client.js';
import { ForbiddenError } from './errors.js';
import type { WatchedKind } from './read-cluster.js';
import { watchKind, type WatchSink } from './watch.js';

const kind: WatchedKind = {
  group: 'volsync.backube',
  version: 'v1alpha1',
  plural: 'replicationsources',
  kind: 'ReplicationSource',
  purpose: 'the movers',
};

const rs = (name: string, rv: string) => ({
  metadata: { name, namespace: 'apps', resourceVersion: rv },
  spec: { sourcePVC: name, restic: { repository: name } },
});

type Step =
  | { list: { items: Record<string, unknown>[]; rv: string } | ForbiddenError }
  | { watch: { events: { type: string; object: Record<string, unknown> }[]; end: WatchEnd } };

/**
 * A KubeClient that answers lists and watches from a script, one step per request, and records
 * the version each watch started from; the last step aborts the run.
 */
function scripted(steps: Step[], abort: AbortController) {
  const from: string[] = [];
  const next = () => {
    const s = steps.shift();
    if (steps.length === 0) abort.abort();
    if (!s) throw new Error('no step left');
    return s;
  };
  const client = {
    listPages: (_r: unknown, _o: unknown, onPage: (items: Record<string, unknown>[]) => void) => {
      const s = next();
      if (!('list' in s)) throw new Error(`a list, where the script has ${JSON.stringify(s)}`);
      if (s.list instanceof ForbiddenError) return Promise.reject(s.list);
      onPage(s.list.items);
      return Promise.resolve(s.list.rv);
    },
    watch: (
      _r: unknown,
      o: { resourceVersion: string },
      onEvent: (e: { type: string; object: Record<string, unknown> }) => void,
    ) => {
      from.push(o.resourceVersion);
      const s = next();
      if (!('watch' in s)) throw new Error(`a watch, where the script has ${JSON.stringify(s)}`);
      for (const e of s.watch.events) onEvent(e);
      return Promise.resolve(s.watch.end);
    },
  } as unknown as KubeClient;
  return { client, from };
}

function recorder() {
  const log: string[] = [];
  const sink: WatchSink = {
    listed: (_k, objects: KubeObject[]) =>
      log.push(`listed ${objects.map((o) => o.metadata.name).join(',')}`),
    changed: (_k, type, o) => log.push(`${type} ${o.metadata.name}`),
    heard: () => undefined,
    restarted: (_k, reason) => log.push(`restarted ${reason}`),
    refused: () => log.push('refused'),
  };
  return { sink, log };
}

const run = async (steps: Step[]) => {
  const abort = new AbortController();
  const { client, from } = scripted(steps, abort);
  const { sink, log } = recorder();
  await watchKind(client, kind, sink, abort.signal, {
    timeoutSeconds: 300,
    backoffMs: 1,
    maxBackoffMs: 2,
  });
  return { log, from };
};

const aborted: WatchEnd = { end: 'aborted' };

describe('the watch of one type', () => {
  it('resumes from the last version an event or bookmark gave when the server ends the watch', async () => {
    const { log, from } = await run([
      { list: { items: [rs('a', '5')], rv: '10' } },
      {
        watch: {
          events: [
            { type: 'ADDED', object: rs('b', '11') },
            { type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } },
          ],
          end: { end: 'ended' },
        },
      },
      { watch: { events: [], end: aborted } },
    ]);
    expect(log).toEqual(['listed a', 'ADDED b']);
    expect(from).toEqual(['10', '15']);
  });

  it('lists again after an ERROR event of 410 Gone in the stream', async () => {
    const { log, from } = await run([
      { list: { items: [], rv: '10' } },
      {
        watch: {
          events: [{ type: 'ERROR', object: { kind: 'Status', code: 410 } }],
          end: { end: 'ended' },
        },
      },
      { list: { items: [rs('a', '20')], rv: '30' } },
      { watch: { events: [], end: aborted } },
    ]);
    expect(log).toEqual(['listed ', 'restarted expired', 'listed a']);
    expect(from).toEqual(['10', '30']);
  });

  it('lists again after a watch refused with 410, and reconnects from the same version after a lost connection', async () => {
    const { log, from } = await run([
      { list: { items: [], rv: '10' } },
      {
        watch: {
          events: [{ type: 'MODIFIED', object: rs('a', '12') }],
          end: { end: 'lost', why: 'ECONNRESET' },
        },
      },
      { watch: { events: [], end: { end: 'refused', status: 410, why: 'too old' } } },
      { list: { items: [], rv: '40' } },
      { watch: { events: [], end: aborted } },
    ]);
    expect(log).toEqual([
      'listed ',
      'MODIFIED a',
      'restarted lost',
      'restarted expired',
      'listed ',
    ]);
    expect(from).toEqual(['10', '12', '40']);
  });

  it('asks a refused list again, and a refused watch from a new list', async () => {
    const { log, from } = await run([
      { list: new ForbiddenError('list', 'replicationsources.volsync.backube', undefined, 'no') },
      { list: { items: [], rv: '10' } },
      { watch: { events: [], end: { end: 'refused', status: 403, why: 'no' } } },
      { list: { items: [], rv: '20' } },
      { watch: { events: [], end: aborted } },
    ]);
    expect(log).toEqual(['refused', 'listed ', 'refused', 'listed ']);
    expect(from).toEqual(['10', '20']);
  });

  it('hands over a deletion with the object the server sends', async () => {
    const { log } = await run([
      { list: { items: [], rv: '1' } },
      { watch: { events: [{ type: 'DELETED', object: rs('gone', '2') }], end: aborted } },
    ]);
    expect(log).toEqual(['listed ', 'DELETED gone']);
  });
});
