import { describe, expect, it } from 'vitest';
import { readFluxKustomization, type FluxKustomization } from './flux-kustomization.js';
import { planBatches } from './read-flux.js';
import { VariableSources } from './variables.js';

const origin = { file: '/repo/ks.yaml', line: 1 };
const ks = (name: string, spec: Record<string, unknown>, namespace = 'flux-system') =>
  readFluxKustomization(
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace },
      spec: {
        path: `./apps/${name}`,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        ...spec,
      },
    },
    origin,
  );

describe('readFluxKustomization', () => {
  it('reads what kustomize-controller renders with: path, targetNamespace, patches, components, commonMetadata, postBuild', () => {
    const k = ks('app', {
      targetNamespace: 'media',
      components: ['../../components/volsync'],
      patches: [{ patch: 'x', target: { kind: 'Namespace' } }, { target: {} }],
      commonMetadata: { labels: { a: 'b' } },
      postBuild: {
        substitute: { APP: 'app' },
        substituteFrom: [
          { kind: 'ConfigMap', name: 'settings' },
          { kind: 'Secret', name: 'secrets', optional: true },
          { kind: 'Other', name: 'x' },
        ],
      },
    });
    expect(k).toEqual({
      name: 'app',
      namespace: 'flux-system',
      path: './apps/app',
      targetNamespace: 'media',
      components: ['../../components/volsync'],
      patches: [{ patch: 'x', target: { kind: 'Namespace' } }],
      commonMetadata: { labels: { a: 'b' }, annotations: {} },
      substitute: { APP: 'app' },
      substituteFrom: [
        { kind: 'ConfigMap', name: 'settings', optional: false },
        { kind: 'Secret', name: 'secrets', optional: true },
      ],
      source: 'GitRepository/flux-system',
      origin,
    } satisfies FluxKustomization);
  });

  it('refuses a Kustomization without spec.path, naming the file', () => {
    expect(() =>
      readFluxKustomization(
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'x' },
        },
        origin,
      ),
    ).toThrow('/repo/ks.yaml:1: Kustomization x: no spec.path');
  });
});

describe('planBatches', () => {
  it('puts two apps of one target namespace in different kustomize runs, and apps of different namespaces together', () => {
    const batches = planBatches([
      ks('a', { targetNamespace: 'default' }),
      ks('b', { targetNamespace: 'default' }),
      ks('c', { targetNamespace: 'media' }),
      ks('d', {}),
    ]);
    expect(batches.map((b) => b.map((k) => k.name))).toEqual([['a', 'c'], ['b'], ['d']]);
  });
});

describe('VariableSources', () => {
  const configMap = (name: string, data: Record<string, string>, namespace = 'flux-system') => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data,
  });

  it('merges substituteFrom in order, then postBuild.substitute, as kustomize-controller does', () => {
    const s = new VariableSources();
    s.add(configMap('one', { A: '1', B: '1' }), 'x');
    s.add(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'two', namespace: 'flux-system' },
        data: { B: Buffer.from('2\n').toString('base64') },
        stringData: { C: '2' },
      },
      'x',
    );
    const k = ks('app', {
      postBuild: {
        substitute: { C: '3' },
        substituteFrom: [
          { kind: 'ConfigMap', name: 'one' },
          { kind: 'Secret', name: 'two' },
        ],
      },
    });
    const v = s.variablesOf(k);
    expect(Object.fromEntries(v.vars)).toEqual({ A: '1', B: '2', C: '3' });
    expect(v.unreadable).toEqual([]);
  });

  it('reports a source that is not in the repository, unless optional, and the keys of a SOPS-encrypted one as unknown', () => {
    const s = new VariableSources();
    s.add({ ...configMap('enc', { K: 'ENC[AES256_GCM,data:x]' }), sops: { version: '3' } }, 'x');
    const k = ks('app', {
      postBuild: {
        substituteFrom: [
          { kind: 'Secret', name: 'cluster-secrets' },
          { kind: 'Secret', name: 'maybe', optional: true },
          { kind: 'ConfigMap', name: 'enc' },
        ],
      },
    });
    const v = s.variablesOf(k);
    expect(v.unreadable).toEqual([
      'Secret cluster-secrets is not in the repository',
      'ConfigMap enc is SOPS-encrypted',
    ]);
    expect([...v.unknownKeys]).toEqual(['K']);
    expect(v.vars.size).toBe(0);
  });
});
