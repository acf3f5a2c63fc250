import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../adapters/cluster/client.js';
import { dryRunRelaxed } from './fix-job-apply.js';

type Answer = { admitted: true; spec: unknown } | { admitted: false; message: string };

/** A server whose dry runs answer in turn, the last answer from then on. */
function server(answers: Answer[]) {
  let asked = 0;
  const client = {
    dryRunPod: () => Promise.resolve(answers[Math.min(asked++, answers.length - 1)] as Answer),
  } as unknown as KubeClient;
  return { client, asked: () => asked };
}

const job = {
  metadata: { name: 'volsync-perms-fix-data', namespace: 'ns' },
  spec: { template: { metadata: {}, spec: { containers: [] } } },
};
const stale: Answer = {
  admitted: false,
  message:
    'pods "x" is forbidden: violates PodSecurity "restricted:v1.31": runAsUser=0 (container "fix-ownership" must not set runAsUser=0)',
};
const admitted: Answer = { admitted: true, spec: {} };
const webhook: Answer = {
  admitted: false,
  message: 'admission webhook "policy" denied the request',
};

describe('the dry run after Pod Security is relaxed', () => {
  it('asks again while the server still judges at the level the namespace had, then takes the admission', async () => {
    const s = server([stale, stale, admitted]);
    const waits: number[] = [];
    const r = await dryRunRelaxed(s.client, 'ns', job, 'restricted', 10_000, (ms) => {
      waits.push(ms);
      return Promise.resolve();
    });
    expect(r).toEqual(admitted);
    expect(s.asked()).toBe(3);
    expect(waits).toEqual([50, 100]);
  });

  it('takes any other rejection at once: a webhook is not a cache behind', async () => {
    const s = server([webhook, admitted]);
    const r = await dryRunRelaxed(s.client, 'ns', job, 'restricted', 10_000, () =>
      Promise.resolve(),
    );
    expect(r).toEqual(webhook);
    expect(s.asked()).toBe(1);
  });

  it('gives up after its patience with the last rejection, waiting no longer than it allows', async () => {
    const s = server([stale]);
    const waits: number[] = [];
    const r = await dryRunRelaxed(s.client, 'ns', job, 'restricted', 1_000, (ms) => {
      waits.push(ms);
      return Promise.resolve();
    });
    expect(r).toEqual(stale);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(waits).toEqual([50, 100, 200, 400, 250]);
  });
});
