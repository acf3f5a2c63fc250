import { describe, expect, it } from 'vitest';
import { mayAccess, mayChmod, mayChown, type Actor, type FileMeta } from './access.js';

const file = (uid: number, gid: number, perm: number, type: FileMeta['type'] = 'f'): FileMeta => ({
  type,
  uid,
  gid,
  perm,
});
const actor = (
  uid: number,
  gid: number,
  groups: number[],
  capabilities: string[] = [],
  root = false,
): Actor => ({
  uid,
  gid,
  groups,
  capabilities,
  root,
});

describe('POSIX permission checks (fs/namei.c generic_permission)', () => {
  it.each([
    [
      'the owner reads its 0600 file',
      actor(1000, 1000, [1000]),
      file(1000, 1000, 0o600),
      'read',
      true,
    ],
    [
      'another UID in the group cannot read a 0600 file',
      actor(1001, 1000, [1000]),
      file(1000, 1000, 0o600),
      'read',
      false,
    ],
    ['a group member reads a 0640 file', actor(1001, 82, [82]), file(999, 82, 0o640), 'read', true],
    [
      'the owner class decides even when the group would allow',
      actor(1000, 82, [82]),
      file(1000, 82, 0o060),
      'read',
      false,
    ],
    [
      'UID 0 without capabilities cannot read a 0600 file of 1000',
      actor(0, 0, [0]),
      file(1000, 1000, 0o600),
      'read',
      false,
    ],
    [
      'DAC_OVERRIDE reads and writes anything',
      actor(0, 0, [0], ['DAC_OVERRIDE']),
      file(1000, 1000, 0o000),
      'write',
      true,
    ],
    [
      'DAC_OVERRIDE does not execute a file without x bits',
      actor(0, 0, [0], ['DAC_OVERRIDE']),
      file(1000, 1000, 0o600),
      'execute',
      false,
    ],
    [
      'DAC_READ_SEARCH reads but does not write',
      actor(0, 0, [0], ['DAC_READ_SEARCH']),
      file(1000, 1000, 0o600),
      'write',
      false,
    ],
    [
      'DAC_READ_SEARCH searches a 0700 directory',
      actor(0, 0, [0], ['DAC_READ_SEARCH']),
      file(999, 999, 0o700, 'd'),
      'execute',
      true,
    ],
    [
      'root on an NFS server executes only where an x bit is set',
      actor(0, 0, [0], [], true),
      file(1000, 1000, 0o744),
      'execute',
      true,
    ],
    [
      'root on an NFS server reads a 0600 file of 1000',
      actor(0, 0, [0], [], true),
      file(1000, 1000, 0o600),
      'read',
      true,
    ],
  ] as const)('%s', (_name, a, f, want, allowed) => {
    expect(mayAccess(a, f, want)).toBe(allowed);
  });

  it('chmod needs the owner or FOWNER; chown of the owner needs CHOWN, the owner may chgrp to its groups', () => {
    const f = file(1000, 1000, 0o600);
    expect(mayChmod(actor(1000, 1000, [1000]), f)).toBe(true);
    expect(mayChmod(actor(1001, 1000, [1000]), f)).toBe(false);
    expect(mayChmod(actor(0, 0, [0], ['FOWNER']), f)).toBe(true);
    expect(mayChown(actor(1000, 1000, [1000, 2000]), f, { uid: 1000, gid: 2000 })).toBe(true);
    expect(mayChown(actor(1000, 1000, [1000]), f, { uid: 1000, gid: 2000 })).toBe(false);
    expect(mayChown(actor(1000, 1000, [1000]), f, { uid: 0, gid: 1000 })).toBe(false);
    expect(mayChown(actor(0, 0, [0], ['CHOWN']), f, { uid: 0, gid: 0 })).toBe(true);
  });
});
