import { describe, expect, it } from 'vitest';
import type { WatchedKind } from '../adapters/cluster/read-cluster.js';
import { ServeMetrics } from '../adapters/metrics/serve-metrics.js';
import type { KubeObject } from '../core/k8s/object.js';
import { volsyncController } from '../core/test-support/builders.js';
import { LiveState } from './serve-live.js';

const kind = (k: string, plural: string, group = ''): WatchedKind => ({
  group,
  version: group === '' ? 'v1' : group === 'apps' ? 'v1' : 'v1alpha1',
  plural,
  kind: k,
  purpose: 'the test',
});
const namespaces = kind('Namespace', 'namespaces');
const sources = kind('ReplicationSource', 'replicationsources', 'volsync.backube');
const deployments = kind('Deployment', 'deployments', 'apps');

const ns = (name: string, privileged = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name,
    ...(privileged && { annotations: { 'volsync.backube/privileged-movers': 'true' } }),
  },
});
const source = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'volsync.backube/v1alpha1',
  kind: 'ReplicationSource',
  metadata: { name, namespace },
  spec: {
    sourcePVC: name,
    restic: {
      repository: `${name}-restic`,
      moverSecurityContext: { runAsUser: 1000, fsGroup: 1000 },
    },
  },
});
const controller = volsyncController;

function state() {
  const calls = { images: 0 };
  const s = new LiveState([namespaces, sources, deployments], new ServeMetrics(), {
    policyApis: { mutating: null, validating: null },
    volsyncNamespace: undefined,
    imageFlags: [],
    withFacts: (x) => x,
    now: () => 0,
    log: () => undefined,
    onNewImages: () => {
      calls.images++;
    },
  });
  return { s, calls };
}

const series = (s: LiveState, ns: string) =>
  s.exposition
    .render()
    .split('\n')
    .filter((l) => l.startsWith('volsync_perms_mover_info{') && l.includes(`namespace="${ns}"`));

describe('the state serve keeps', () => {
  it('reports nothing until every type is listed, then everything at once', () => {
    const { s } = state();
    s.listed(namespaces, [ns('apps', true)]);
    s.listed(sources, [source('apps', 'db')]);
    s.flush();
    expect(s.ready).toBe(false);
    expect(series(s, 'apps')).toEqual([]);
    s.listed(deployments, []);
    s.flush();
    expect(series(s, 'apps')).toEqual([expect.stringContaining('uid="0"')]);
  });

  it("replaces a namespace's series when its annotation goes, and removes them with its movers", () => {
    const { s } = state();
    s.listed(namespaces, [ns('apps', true)]);
    s.listed(sources, [source('apps', 'db')]);
    s.listed(deployments, []);
    s.flush();
    s.changed(namespaces, 'MODIFIED', ns('apps'));
    s.flush();
    expect(series(s, 'apps')).toEqual([expect.stringContaining('uid="1000"')]);
    s.changed(sources, 'DELETED', source('apps', 'db'));
    s.flush();
    expect(series(s, 'apps')).toEqual([]);
  });

  it('asks for the registries when the report first shows an image, and again only for a new one', () => {
    const { s, calls } = state();
    s.listed(namespaces, [ns('apps')]);
    s.listed(sources, [source('apps', 'db')]);
    s.listed(deployments, [controller('quay.io/backube/volsync:0.13.0')]);
    s.flush();
    expect(calls.images).toBe(1);
    s.changed(sources, 'ADDED', source('apps', 'web'));
    s.flush();
    expect(calls.images).toBe(1);
    s.changed(deployments, 'MODIFIED', controller('quay.io/backube/volsync:0.14.0'));
    s.flush();
    expect(calls.images).toBe(2);
  });

  it('resolves nothing for a change that leaves the kept object as it was', () => {
    const { s } = state();
    s.listed(namespaces, [ns('apps')]);
    s.listed(sources, [source('apps', 'db')]);
    s.listed(deployments, []);
    s.flush();
    const before = s.exposition.render();
    s.changed(sources, 'MODIFIED', source('apps', 'db'));
    expect(s.exposition.render()).toBe(before);
  });
});
