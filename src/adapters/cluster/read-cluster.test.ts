import { afterEach, describe, expect, it } from 'vitest';
import { readClusterSnapshot } from './read-cluster.js';
import { clientOf, h1Server, h2Server, list } from './test-support/api-server.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const volsyncApi = '/apis/volsync.backube/v1alpha1';
const upstream = JSON.stringify({
  kind: 'APIResourceList',
  resources: [{ name: 'replicationsources' }, { name: 'replicationdestinations' }],
});
const options = {
  imageFacts: [],
  builtInImages: [],
  chartImages: {
    upstream: 'quay.io/backube/volsync:0.13.1',
    fork: 'ghcr.io/perfectra1n/volsync:0.17.7',
  },
};

// What a namespace's read asks whatever the API serves: none of it waits for discovery.
const undiscovered = [
  '/api/v1/namespaces?limit=500',
  '/api/v1/nodes?limit=500',
  '/api/v1/persistentvolumes?limit=500',
  '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles?limit=500&labelSelector=app.kubernetes.io%2Fcreated-by%3Dvolsync',
  '/api/v1/namespaces/default/persistentvolumeclaims?limit=500',
  '/api/v1/namespaces/default/pods?limit=500',
  '/apis/apps/v1/namespaces/default/deployments?limit=500',
  '/apis/apps/v1/namespaces/default/statefulsets?limit=500',
  '/apis/apps/v1/namespaces/default/daemonsets?limit=500',
  '/apis/batch/v1/namespaces/default/jobs?limit=500',
  '/apis/batch/v1/namespaces/default/cronjobs?limit=500',
  // the controller, by its label: a namespace's read has not seen every Deployment
  '/apis/apps/v1/deployments?limit=500&labelSelector=app.kubernetes.io%2Fname%3Dvolsync',
];
// What only discovery decides: the movers of the APIs it found.
const movers = [
  '/apis/volsync.backube/v1alpha1/namespaces/default/replicationsources?limit=500',
  '/apis/volsync.backube/v1alpha1/namespaces/default/replicationdestinations?limit=500',
];
const discovery = [
  volsyncApi,
  '/apis/kopiur.home-operations.com/v1alpha1',
  '/apis/admissionregistration.k8s.io/v1',
  '/apis/admissionregistration.k8s.io/v1beta1',
];

describe('reading one namespace of a live cluster', () => {
  it('sends what no discovery decides in the first flight with discovery, and the movers once it answered', async () => {
    const events: string[] = [];
    let released: (by: string) => void = () => undefined;
    const firstFlight = new Promise<string>((r) => (released = r));
    // nothing is answered until discovery and every undiscovered read have arrived: reads that
    // waited for an answer (or for the protocol to be learnt from one) would never come, and the
    // deadline, which the test then reports, would answer instead
    const deadline = setTimeout(() => {
      released('the deadline');
    }, 5000);
    const s = await h2Server(async (path) => {
      events.push(path);
      if ([...undiscovered, ...discovery].every((p) => events.includes(p))) released('the reads');
      await firstFlight;
      if (path === volsyncApi) {
        events.push('answered discovery');
        return [200, upstream];
      }
      if (path.startsWith('/apis/') && !path.includes('?')) return [404, '{}'];
      return [200, list([])];
    });
    closers.push(s.close, () => {
      clearTimeout(deadline);
    });

    await readClusterSnapshot(clientOf(s.url), { all: false, namespace: 'default' }, options);

    expect(await firstFlight).toBe('the reads');
    const answered = events.indexOf('answered discovery');
    for (const p of undiscovered) expect(events.indexOf(p)).toBeLessThan(answered);
    for (const p of movers) expect(events.indexOf(p)).toBeGreaterThan(answered);
    // the same requests as ever, each once: nothing is asked twice or in advance
    expect([...s.seen.paths].sort()).toEqual([...undiscovered, ...movers, ...discovery].sort());
  });

  it('sends nothing more once discovery has failed: the reads still waiting for a slot are dropped', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    // HTTP/1.1: six reads at a time, so most of the undiscovered ones wait for a slot
    const s = await h1Server(async (path) => {
      if (path === volsyncApi) return [500, '{"message":"etcd is down"}'];
      if (path.startsWith('/apis/') && !path.includes('?')) return [404, '{}'];
      await held;
      return [200, list([])];
    });
    closers.push(s.close);
    const lists = () => s.seen.paths.filter((p) => p.includes('?'));

    await expect(
      readClusterSnapshot(clientOf(s.url, 2), { all: false, namespace: 'default' }, options),
    ).rejects.toThrow(
      /get API volsync.backube\/v1alpha1 .*: etcd is down; the server kept failing after 2 attempts/,
    );
    expect(lists()).toHaveLength(6);
    release();
    await new Promise((r) => setTimeout(r, 200)); // a read let through would be asked by now
    expect(lists()).toHaveLength(6);
  });
});
