import { describe, expect, it } from 'vitest';
import { deployment } from '../test-support/builders.js';
import { installScopeOf, outOfScope } from './install-scope.js';

const controller = (args?: string[]) =>
  deployment('kopiur', 'kopiur-system', {
    containers: [
      {
        name: 'controller',
        image: 'ghcr.io/home-operations/kopiur-controller:0.10.8',
        ...(args && { args }),
      },
    ],
  });

describe("installScopeOf: the kopiur controller's arguments say where it watches", () => {
  it.each([
    ['--cluster-scope', ['--leader-elect=true', '--cluster-scope'], 'cluster', undefined],
    [
      '--namespace=X (the chart)',
      ['--leader-elect=true', '--namespace=kopiur-system'],
      'namespaced',
      'kopiur-system',
    ],
    ['--namespace X', ['--namespace', 'backups'], 'namespaced', 'backups'],
    ['no scope argument (the controller default)', ['--leader-elect=false'], 'cluster', undefined],
    ['no arguments at all', undefined, 'cluster', undefined],
    ['an empty --namespace=', ['--namespace='], 'cluster', undefined],
  ])('%s: %s', (_what, args, scope, namespace) => {
    const s = installScopeOf(controller(args));
    expect(s.scope).toBe(scope);
    expect(s.namespace).toBe(namespace);
    expect(s.source).toContain('Deployment/kopiur-system/kopiur');
  });
});

describe('outOfScope: what a namespaced install never reconciles', () => {
  const namespaced = installScopeOf(controller(['--namespace=backups']));
  const cluster = installScopeOf(controller(['--cluster-scope']));
  it.each([
    ['a cluster install', cluster, 'media', 'Repository', undefined],
    ['no controller in the input', undefined, 'media', 'Repository', undefined],
    ['its own namespace, a Repository', namespaced, 'backups', 'Repository', undefined],
    ['another namespace', namespaced, 'media', 'Repository', 'nothing in media'],
    [
      'its own namespace, a ClusterRepository',
      namespaced,
      'backups',
      'ClusterRepository',
      'no ClusterRepository',
    ],
  ])('%s: %s', (_what, scope, ns, kind, says) => {
    const got = outOfScope(scope, ns, kind);
    if (says === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(says);
  });
});
