import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { volsyncController } from '../test-support/builders.js';
import { touchedNamespaces } from './touched-namespaces.js';

const obj = (kind: string, name: string, namespace?: string, spec?: unknown): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace !== undefined && { namespace }) },
  ...(spec !== undefined && { spec }),
});

const controller = volsyncController();

describe('the namespaces a change of one object can alter', () => {
  it.each<[string, KubeObject | undefined, KubeObject | undefined, 'all' | string[]]>([
    [
      'a ReplicationSource alters its namespace',
      undefined,
      obj('ReplicationSource', 'a', 'apps'),
      ['apps'],
    ],
    [
      'a Namespace alters its own movers',
      obj('Namespace', 'apps'),
      obj('Namespace', 'apps'),
      ['apps'],
    ],
    [
      'a PersistentVolume alters the namespace of the claim it was and is bound to',
      obj('PersistentVolume', 'pv', undefined, { claimRef: { namespace: 'old' } }),
      obj('PersistentVolume', 'pv', undefined, { claimRef: { namespace: 'new' } }),
      ['old', 'new'],
    ],
    [
      "an unbound PersistentVolume may be any claim's volumeName",
      undefined,
      obj('PersistentVolume', 'pv'),
      'all',
    ],
    ['a Node alters the platform of every image', obj('Node', 'n1'), undefined, 'all'],
    [
      'a ClusterRepository is shared by any namespace',
      undefined,
      obj('ClusterRepository', 'r'),
      'all',
    ],
    [
      'an admission policy may match any namespace',
      undefined,
      obj('ValidatingAdmissionPolicy', 'p'),
      'all',
    ],
    ['the VolSync controller decides every mover image', undefined, controller, 'all'],
    [
      'a Deployment that is no controller alters its namespace',
      undefined,
      obj('Deployment', 'web', 'apps'),
      ['apps'],
    ],
  ])('%s', (_what, before, after, want) => {
    const got = touchedNamespaces(before, after);
    expect(got === 'all' ? 'all' : [...got]).toEqual(want);
  });
});
