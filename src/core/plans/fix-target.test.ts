import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { indexSnapshot } from '../snapshot-index.js';
import { namespace, replication, rs, snapshotOf, withSc } from '../test-support/builders.js';
import { PlanRefused } from './plan-refused.js';
import { planFixTarget, planPlacement, type FixRequest } from './fix-target.js';

const kopia = (extra: Record<string, unknown> = {}) => ({
  ...withSc({ runAsUser: 1000, runAsGroup: 1001, fsGroup: 1002 }),
  repository: 'kopia-secret',
  moverVolumes: [{ mountPath: 'repo', volumeSource: { nfs: { server: 'nas', path: '/kopia' } } }],
  ...extra,
});

function pvc(name: string, accessModes: string[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes },
  };
}

function pod(name: string, claim: string, node: string, phase = 'Running'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, volumes: [{ name: 'v', persistentVolumeClaim: { claimName: claim } }] },
    status: { phase },
  };
}

const plan = (objects: KubeObject[], r: Partial<FixRequest>) => {
  const snapshot = snapshotOf([namespace('default'), ...objects]);
  const index = indexSnapshot(snapshot);
  const target = planFixTarget(index, {
    kind: 'ReplicationSource',
    namespace: 'default',
    name: 'app',
    ...r,
  });
  return { target, placement: planPlacement(snapshot, index, target) };
};

describe('planFixTarget', () => {
  it.each([
    ['data', { type: 'persistentVolumeClaim', claimName: 'app' }],
    ['cache', { type: 'persistentVolumeClaim', claimName: 'volsync-src-app-cache' }],
    ['repository', { type: 'nfs', server: 'nas', path: '/kopia' }],
  ] as const)('the %s volume of a kopia ReplicationSource is %j', (volume, expected) => {
    expect(plan([rs('app', 'kopia', kopia())], { volume }).target.volume).toEqual(expected);
  });

  it('the intended owner is runAsUser:runAsGroup of moverSecurityContext, named as such', () => {
    const { owner } = plan([rs('app', 'kopia', kopia())], {}).target;
    expect(owner).toEqual({
      uid: 1000,
      gid: 1001,
      from: 'spec.kopia.moverSecurityContext runAsUser, runAsGroup',
    });
  });

  it('falls back to fsGroup for the GID when runAsGroup is not set', () => {
    const m = { ...withSc({ runAsUser: 1000, fsGroup: 1002 }) };
    expect(plan([rs('app', 'restic', m)], {}).target.owner.gid).toBe(1002);
  });

  it('--uid/--gid override the mover', () => {
    const { owner } = plan([rs('app', 'kopia', kopia())], { uid: 568, gid: 568 }).target;
    expect(owner).toEqual({ uid: 568, gid: 568, from: '--uid, --gid' });
  });

  it.each([
    ['a mover without runAsUser', [rs('app', 'restic', {})], {}, 'usage', /--uid U --gid G/],
    ['a PVC without --uid/--gid', [], { kind: 'PersistentVolumeClaim' }, 'usage', /--uid U/],
    ['a missing mover', [], {}, 'input', /not found/],
    [
      'a restic repository (remote)',
      [rs('app', 'restic', withSc({ runAsUser: 1, runAsGroup: 1 }))],
      { volume: 'repository' },
      'usage',
      /only kopia/,
    ],
    [
      'the cache of rclone',
      [rs('app', 'rclone', withSc({ runAsUser: 1, runAsGroup: 1 }))],
      { volume: 'cache' },
      'usage',
      /no cache/,
    ],
  ] as const)('refuses %s', (_what, objects, r, kind, message) => {
    let caught: unknown;
    try {
      plan([...objects], r);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PlanRefused);
    expect((caught as PlanRefused).kind).toBe(kind);
    expect((caught as PlanRefused).message).toMatch(message);
  });

  it('a ReplicationDestination without destinationPVC repairs the volume VolSync provisions', () => {
    const rd = replication(
      'ReplicationDestination',
      'app',
      'restic',
      withSc({ runAsUser: 1, runAsGroup: 1 }),
    );
    expect(plan([rd], { kind: 'ReplicationDestination' }).target.volume).toEqual({
      type: 'persistentVolumeClaim',
      claimName: 'volsync-app-dest',
    });
  });
});

describe('planPlacement', () => {
  const mover = rs('app', 'kopia', kopia());

  it('pins the Job to the node of the running pod that holds a ReadWriteOnce claim', () => {
    const p = plan([mover, pvc('app', ['ReadWriteOnce']), pod('web-1', 'app', 'n2')], {});
    expect(p.placement).toMatchObject({ kind: 'node', node: 'n2' });
  });

  it('ignores pods that have ended', () => {
    const p = plan(
      [mover, pvc('app', ['ReadWriteOnce']), pod('old', 'app', 'n2', 'Succeeded')],
      {},
    );
    expect(p.placement.kind).toBe('anywhere');
  });

  it('lets a ReadWriteMany claim run anywhere', () => {
    const p = plan([mover, pvc('app', ['ReadWriteMany']), pod('web-1', 'app', 'n2')], {});
    expect(p.placement.kind).toBe('anywhere');
  });

  it('refuses a ReadWriteOncePod claim in use and names what to scale down', () => {
    const objects = [mover, pvc('app', ['ReadWriteOncePod']), pod('web-1', 'app', 'n2')];
    expect(() => plan(objects, {})).toThrow(/ReadWriteOncePod and in use by Pod web-1; scale down/);
  });

  it('says the placement is unknown when the claim is not in the input', () => {
    expect(plan([mover], {}).placement.kind).toBe('unknown');
  });
});
