import type { FileType } from './audit-summary.js';

/** The owner, group, type and permission bits of a file: all a permission check reads. */
export interface FileMeta {
  type: FileType;
  uid: number;
  gid: number;
  perm: number;
}

/**
 * Who asks: a credential and the capabilities that bypass permission checks. `root` = the
 * filesystem grants this UID 0 root's powers whatever `capabilities` says (an NFS server without
 * squashing raises CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH and FOWNER for it, k8s-identity §4.3):
 * chmod and chown always, read and write always, execute as DAC_OVERRIDE allows it.
 */
export interface Actor {
  uid: number;
  gid: number;
  groups: number[];
  capabilities: readonly string[];
  root?: boolean;
}

export type Access = 'read' | 'write' | 'execute';

const bit: Record<Access, number> = { read: 4, write: 2, execute: 1 };
/** The DAC-bypassing part of the capabilities a server raises for root (k8s-identity §4.3). */
const rootDac = ['DAC_OVERRIDE', 'DAC_READ_SEARCH'] as const;

/**
 * Linux's DAC check (fs/namei.c acl_permission_check, then capable_wrt_inode_uidgid in
 * generic_permission): the owner class if the UID owns the file, else the group class if the
 * file's group is one of the actor's, else other; only then may DAC_OVERRIDE (read, write, and
 * execute where some x bit is set or on directories) or DAC_READ_SEARCH (read, and search on
 * directories) grant what the bits deny. ACLs are not modelled.
 */
export function mayAccess(a: Actor, f: FileMeta, want: Access): boolean {
  const shift = a.uid === f.uid ? 6 : a.gid === f.gid || a.groups.includes(f.gid) ? 3 : 0;
  if (((f.perm >> shift) & bit[want]) !== 0) return true;
  // root's powers are capabilities too: even root may not execute a file without an x bit
  // (measured on nfs-ganesha, test/integration/nfs-squash.test.ts; the kernel's nfsd alike)
  const caps = new Set(a.root === true ? [...a.capabilities, ...rootDac] : a.capabilities);
  const dir = f.type === 'd';
  if (caps.has('DAC_OVERRIDE') && (want !== 'execute' || dir || (f.perm & 0o111) !== 0))
    return true;
  return caps.has('DAC_READ_SEARCH') && (want === 'read' || (dir && want === 'execute'));
}

/** chmod(2): the owner, or FOWNER. */
export function mayChmod(a: Actor, f: FileMeta): boolean {
  return a.root === true || a.uid === f.uid || a.capabilities.includes('FOWNER');
}

/**
 * chown(2): CHOWN for any change of owner; without it, the owner may only change the group to one
 * of its own groups (chown(2), "only a privileged process may change the owner").
 */
export function mayChown(a: Actor, f: FileMeta, to: { uid: number; gid: number }): boolean {
  if (a.root === true || a.capabilities.includes('CHOWN')) return true;
  if (to.uid !== f.uid || a.uid !== f.uid) return false;
  return to.gid === f.gid || to.gid === a.gid || a.groups.includes(to.gid);
}
