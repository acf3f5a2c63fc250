import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNfsExport, parseNfsSquashFlag } from './nfs-exports.js';
import { resolveServerCredential, squashModes, type Credential } from './nfs-squash.js';

const anon = { anonUid: 65534, anonGid: 65534 };
const cred = (uid: number, gid: number, groups = [gid]): Credential => ({ uid, gid, groups });

describe('NFS squashing on the Linux kernel server (k8s-identity §4.3)', () => {
  it.each([
    ['root_squash', cred(0, 1000, [1000]), '65534:1000 [1000]', false],
    ['root_squash', cred(0, 0, [0]), '65534:65534 [65534]', false],
    ['root_squash', cred(1000, 0, [0, 1000]), '1000:65534 [1000,65534]', false],
    ['root_squash', cred(1000, 1000), '1000:1000 [1000]', false],
    ['no_root_squash', cred(0, 1000), '0:1000 [1000]', true],
    ['all_squash', cred(1000, 1000, [1000, 2000]), '65534:65534 [65534]', false],
    ['all_squash', cred(0, 0), '65534:65534 [65534]', false],
  ] as const)('%s maps %j to %s', (mode, c, want, root) => {
    const r = resolveServerCredential(c, { mode, ...anon });
    expect(`${r.uid}:${r.gid} [${r.groups.join(',')}]`).toBe(want);
    expect(r.root).toBe(root);
  });

  it('ganesha also replaces the GID of a squashed root and drops its groups', () => {
    const r = resolveServerCredential(
      cred(0, 1000),
      { mode: 'root_squash', anonUid: 4242, anonGid: 4343 },
      'ganesha',
    );
    expect([r.uid, r.gid, r.groups]).toEqual([4242, 4343, [4343]]);
  });

  it('a non-root caller without GID 0 is never changed by root_squash or no_root_squash', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom('root_squash' as const, 'no_root_squash' as const),
        (uid, gid, mode) => {
          const r = resolveServerCredential(cred(uid, gid), { mode, ...anon });
          return r.uid === uid && r.gid === gid && !r.squashed && !r.root;
        },
      ),
    );
  });

  it('only an unsquashed UID 0 is root on the server, in every mode', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.constantFrom(...squashModes), (uid, mode) => {
        const r = resolveServerCredential(cred(uid, 0), { mode, ...anon });
        return r.root === (uid === 0 && mode === 'no_root_squash');
      }),
    );
  });
});

describe('--nfs-squash and the export that covers a path', () => {
  it.each([
    ['nas:/volsync=root_squash', 'nas', '/volsync', 'root_squash', 65534, 65534],
    ['nas:/volsync/=all_squash:1000:1000', 'nas', '/volsync', 'all_squash', 1000, 1000],
    ['10.0.0.5:/=no_root_squash', '10.0.0.5', '/', 'no_root_squash', 65534, 65534],
  ] as const)('%s', (flag, server, path, mode, u, g) => {
    const e = parseNfsSquashFlag(flag);
    expect([e.server, e.path, e.squash.mode, e.squash.anonUid, e.squash.anonGid]).toEqual([
      server,
      path,
      mode,
      u,
      g,
    ]);
  });

  it.each([
    'nas:/x',
    'nas:/x=squash',
    'nas=root_squash',
    'nas:relative=root_squash',
    'nas:/x=all_squash:1',
  ])('%j is refused with the expected form', (flag) => {
    expect(() => parseNfsSquashFlag(flag)).toThrow(/SERVER:PATH=root_squash/);
  });

  it('the longest exported path at or above the volume path wins, on the same server only', () => {
    const exports = [
      'nas:/=all_squash',
      'nas:/volsync=no_root_squash',
      'other:/volsync/kopia=root_squash',
    ].map(parseNfsSquashFlag);
    expect(findNfsExport(exports, 'nas', '/volsync/kopia')?.squash.mode).toBe('no_root_squash');
    expect(findNfsExport(exports, 'nas', '/volsyncx')?.squash.mode).toBe('all_squash');
    expect(findNfsExport(exports, 'nas', '//volsync//kopia/')?.squash.mode).toBe('no_root_squash');
    expect(findNfsExport(exports, 'nfs2', '/volsync')).toBeUndefined();
  });
});
