import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoManifests } from '../../src/adapters/manifests/demo-manifests.js';
import { runCliCaptured } from '../run-cli.js';
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';

const cp = inject('controlPlane');
let proxy: FaultProxy;
let kubeconfig: string;
const explain = (...extra: string[]) =>
  runCliCaptured(['explain', 'ns/default', '-v', ...extra], '', { KUBECONFIG: kubeconfig });
const rsList = /\/apis\/volsync\.backube\/v1alpha1\/replicationsources\?/;
/** The first page only: other test files may have added enough movers for several pages. */
const rsFirstPage = /\/apis\/volsync\.backube\/v1alpha1\/replicationsources\?limit=500$/;

/**
 * explain, and how many times beyond once it asked the first page of every namespace's
 * ReplicationSources (the demo's default shares an NFS repository, so they are read).
 */
async function explainCountingRetries(...extra: string[]) {
  const before = proxy.seen.length;
  const r = await explain(...extra);
  const asked = proxy.seen.slice(before).filter((p) => rsFirstPage.test(p)).length;
  return { r, retries: asked - 1 };
}

describe('faults between the tool and a real API server', () => {
  beforeAll(async () => {
    await applyYaml(cp, demoManifests);
    proxy = await startFaultProxy(cp.server);
    kubeconfig = writeKubeconfig(
      cp,
      kubeconfigPath(cp, 'faults'),
      [cp.users.admin],
      'admin',
      proxy.url,
    );
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('waits as long as Retry-After says on 429, then reads the list', async () => {
    proxy.set([
      { match: rsFirstPage, fault: { kind: 'status', status: 429, retryAfter: 1 }, times: 2 },
    ]);
    const started = performance.now();
    const { r, retries } = await explainCountingRetries();
    expect(r.code).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2000);
    expect(retries).toBe(2);
    expect(r.stdout).toContain('rs/bookstack');
  });

  it('retries a list whose connection is reset in the middle of the body', async () => {
    proxy.set([{ match: rsFirstPage, fault: { kind: 'reset-mid-body' }, times: 1 }]);
    const { r, retries } = await explainCountingRetries();
    expect(r.code).toBe(0);
    expect(retries).toBe(1);
  });

  it('gives up after 4 attempts on a 503 that does not end: exit 4, one line naming the request', async () => {
    proxy.set([{ match: rsList, fault: { kind: 'status', status: 503 }, times: Infinity }]);
    const r = await explain();
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^error: cluster http:\/\/127\.0\.0\.1:\d+ \(context admin\): list replicationsources\.volsync\.backube \(\/apis\/volsync\.backube\/v1alpha1\/replicationsources\?limit=500\): injected 503; the server kept failing after 4 attempts; retry later$/,
      ),
    ]);
  });

  it('a response slower than --request-timeout is retried, then ends in exit 4', async () => {
    proxy.set([{ match: rsList, fault: { kind: 'delay', ms: 5000 }, times: Infinity }]);
    const r = await explain('--request-timeout', '300ms');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /error: cluster \S+ \(context admin\): list replicationsources\.volsync\.backube: no answer within 300 ms after 4 attempts; raise --request-timeout/,
    );
  });

  it('a cluster without the VolSync API is told apart from an error: exit 4, "not installed"', async () => {
    // the suite's server serves kopiur's API too: neither is, here
    proxy.set([
      {
        match: /^\/apis\/(volsync\.backube|kopiur\.home-operations\.com)\/v1alpha1$/,
        fault: { kind: 'status', status: 404 },
        times: 2,
      },
    ]);
    const r = await explain();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /neither VolSync nor kopiur is installed \(the API serves no volsync\.backube\/v1alpha1 and no kopiur\.home-operations\.com\/v1alpha1\)/,
    );
  });
});
