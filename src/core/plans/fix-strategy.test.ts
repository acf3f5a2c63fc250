import { describe, expect, it } from 'vitest';
import type { Squash } from '../storage/nfs-squash.js';
import type { VolumeStorage } from '../storage/volume-storage.js';
import { auditClass } from '../test-support/audit-builders.js';
import { planFixStrategy, serverCommands } from './fix-strategy.js';

const owner = { uid: 1000, gid: 1000 };
const nfs = (mode: Squash['mode'] | null): VolumeStorage => ({
  key: 'NFS nas:/kopia',
  nfs: {
    server: 'nas',
    path: '/kopia',
    squash: mode === null ? null : { mode, anonUid: 65534, anonGid: 65534 },
    serverKind: 'kernel',
    squashFrom: 'test',
  },
  fsGroupApplied: false,
  fsGroupWhy: '',
});
const local: VolumeStorage = { key: 'PVC a/b', fsGroupApplied: null, fsGroupWhy: '' };
const rootFiles = [
  auditClass({ uid: 1000, gid: 1000, count: 9 }),
  auditClass({ uid: 0, gid: 1000, count: 3 }),
];
const otherOwner = [
  auditClass({ uid: 1000, gid: 1000, count: 9 }),
  auditClass({ uid: 1001, gid: 1001, count: 3 }),
];
const twoOwners = [...otherOwner, auditClass({ uid: 1002, gid: 1000, count: 1 })];

describe('how a repair works on the storage it meets (k8s-identity §4.3)', () => {
  it.each([
    ['local storage: chown as root', local, undefined, undefined, 'chown'],
    ['no_root_squash NFS: chown, verified', nfs('no_root_squash'), rootFiles, undefined, 'chown'],
    [
      'NFS of unknown squash mode: chown, verified, with the risk said',
      nfs(null),
      undefined,
      undefined,
      'chown',
    ],
    [
      'root_squash, another owner, --mode: chmod as that owner',
      nfs('root_squash'),
      otherOwner,
      'g+rX',
      'chmod',
    ],
    ['all_squash: chmod as the anonymous owner', nfs('all_squash'), otherOwner, 'g+rX', 'chmod'],
    [
      'root_squash, root-owned files: only the server',
      nfs('root_squash'),
      rootFiles,
      'g+rX',
      /only the NFS server.*-user 0 -group 1000/,
    ],
    [
      'root_squash, two owners: only the server',
      nfs('root_squash'),
      twoOwners,
      'g+rX',
      /2 owners \(1001, 1002\)/,
    ],
    [
      'root_squash without an audit: only the server',
      nfs('root_squash'),
      undefined,
      undefined,
      /which owners to change is not known/,
    ],
    [
      'root_squash, another owner, no --mode: refused with both ways',
      nfs('root_squash'),
      otherOwner,
      undefined,
      /--mode MODE/,
    ],
  ] as const)('%s', (_l, storage, classes, mode, want) => {
    const run = () =>
      planFixStrategy({
        owner,
        storage,
        ...(classes && { classes }),
        ...(mode !== undefined && { mode }),
      });
    if (typeof want === 'string') expect(run().kind).toBe(want);
    else expect(run).toThrow(want);
  });

  it('an audit limits chown to the owners that differ, and on NFS every change is checked again', () => {
    const s = planFixStrategy({ owner, storage: nfs('no_root_squash'), classes: rootFiles });
    expect(s).toMatchObject({ kind: 'chown', owners: [{ uid: 0, gid: 1000 }], verify: true });
  });

  it('--mode is refused where root keeps its power, and must be a symbolic mode', () => {
    expect(() => planFixStrategy({ owner, storage: local, mode: 'g+r' })).toThrow(/not NFS/);
    expect(() => planFixStrategy({ owner, storage: nfs('root_squash'), mode: '$(id)' })).toThrow(
      /not a symbolic mode/,
    );
  });

  it('the server command quotes the path and changes only the listed owners', () => {
    expect(serverCommands("/a b/it's", owner, [{ uid: 0, gid: 1000 }])).toEqual([
      "find '/a b/it'\\''s' -xdev -user 0 -group 1000 -exec chown -h 1000:1000 {} +",
    ]);
  });
});
