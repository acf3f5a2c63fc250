/**
 * How an NFS server maps the AUTH_SYS credential a client sends (k8s-identity §4.3): the export's
 * squash mode, per server implementation. The tables are data: the Linux kernel server is what
 * NAS appliances and Linux hosts run; nfs-ganesha differs under root_squash (measured,
 * shared/research/nfs-userspace.md, "Behaviours to account for").
 */
export type SquashMode = 'root_squash' | 'no_root_squash' | 'all_squash';
export const squashModes: readonly SquashMode[] = ['root_squash', 'no_root_squash', 'all_squash'];

export type NfsServerKind = 'kernel' | 'ganesha';

/** A squash mode with the anonymous identity it maps to (kernel default 65534:65534). */
export interface Squash {
  mode: SquashMode;
  anonUid: number;
  anonGid: number;
}

/** The identity a client process presents: its UID, primary GID and every group it holds. */
export interface Credential {
  uid: number;
  gid: number;
  groups: number[];
}

/** The identity the server checks and writes with, after squashing. */
export interface ServerCredential extends Credential {
  /** The server treats the caller as root: every read, write, chmod and chown succeeds. */
  root: boolean;
  /** Something was changed by squashing. */
  squashed: boolean;
}

interface SquashRule {
  /** Under root_squash, the GID of a squashed UID 0: kept (unless 0) or replaced by anonGid. */
  rootCallerGid: 'keep-unless-zero' | 'anon';
  /** Under root_squash, the groups of a squashed UID 0: each 0 replaced, or all dropped. */
  rootCallerGroups: 'replace-zero' | 'drop';
  /** Where the rule is read or measured. */
  source: string;
}

export const squashRules: Record<NfsServerKind, SquashRule> = {
  kernel: {
    rootCallerGid: 'keep-unless-zero',
    rootCallerGroups: 'replace-zero',
    source: 'k8s-identity §4.3 (LNX:fs/nfsd/auth.c nfsd_setuser)',
  },
  ganesha: {
    rootCallerGid: 'anon',
    rootCallerGroups: 'drop',
    source: 'nfs-userspace.md (nfs-ganesha 4.3, measured: 0:1000 → anon:anon)',
  },
};

/**
 * The credential the server uses for a caller, by the export's squash mode and the server's rules.
 * A mapped UID 0 is root on the server whatever capabilities the container holds; a squashed
 * root keeps none (k8s-identity §4.3).
 */
export function resolveServerCredential(
  c: Credential,
  squash: Squash,
  server: NfsServerKind = 'kernel',
): ServerCredential {
  const rule = squashRules[server];
  const anon = (id: number) => (id === 0 ? squash.anonGid : id);
  if (squash.mode === 'no_root_squash')
    return { ...c, groups: [...c.groups], root: c.uid === 0, squashed: false };
  if (squash.mode === 'all_squash') {
    const out = { uid: squash.anonUid, gid: squash.anonGid, groups: [squash.anonGid] };
    return { ...out, root: out.uid === 0, squashed: !same(c, out) };
  }
  if (c.uid !== 0) {
    const out = { uid: c.uid, gid: anon(c.gid), groups: sorted(c.groups.map(anon)) };
    return { ...out, root: false, squashed: !same(c, out) };
  }
  const gid = rule.rootCallerGid === 'anon' ? squash.anonGid : anon(c.gid);
  const groups = rule.rootCallerGroups === 'drop' ? [gid] : sorted([gid, ...c.groups.map(anon)]);
  return { uid: squash.anonUid, gid, groups, root: squash.anonUid === 0, squashed: true };
}

const sorted = (g: number[]) => [...new Set(g)].sort((a, b) => a - b);
const same = (a: Credential, b: Credential) =>
  a.uid === b.uid && a.gid === b.gid && sorted(a.groups).join() === sorted(b.groups).join();
