/** VolSync's per-mover pod-building rules (volsync-semantics.md §2.1, §6.1; checked against U 5ca54dab, F 6966ac30). */

export type MoverType = 'restic' | 'rclone' | 'rsync' | 'rsync-tls' | 'syncthing' | 'kopia';

export interface MoverRule {
  /** Key under spec of the RS/RD. */
  specKey: string;
  container: string;
  workload: 'Job' | 'Deployment';
  /** Job name prefix per direction; syncthing's Deployment is `volsync-<N>` (§6.1). */
  prefix: { source: string; destination: string };
  /** capabilities.add of container 0 when privileged, in VolSync's order (§2.1). */
  privilegedCaps: string[];
  /** The legacy rsync mover ignores the annotation and is always root (§3). */
  alwaysPrivileged: boolean;
  /** rsync (ssh) has no moverSecurityContext field (§6.2). */
  hasMoverSecurityContext: boolean;
  sourceOnly: boolean;
  /** kopia only exists in the perfectra1n fork (§2.8). */
  fork: boolean;
  cite: string;
}

const dualCaps = ['DAC_OVERRIDE', 'CHOWN', 'FOWNER'];

export const moverRules: Record<MoverType, MoverRule> = {
  restic: rule(
    'restic',
    'restic',
    'volsync-src-',
    'volsync-dst-',
    dualCaps,
    'U:ic/mover/restic/mover.go:438-555',
  ),
  rclone: rule(
    'rclone',
    'rclone',
    'volsync-rclone-src-',
    'volsync-rclone-dst-',
    dualCaps,
    'U:ic/mover/rclone/mover.go:287-380',
  ),
  'rsync-tls': rule(
    'rsyncTLS',
    'rsync-tls',
    'volsync-rsync-tls-src-',
    'volsync-rsync-tls-dst-',
    [...dualCaps, 'SETGID'],
    'U:ic/mover/rsynctls/mover.go:424-502',
  ),
  syncthing: {
    ...rule(
      'syncthing',
      'syncthing',
      'volsync-',
      'volsync-',
      dualCaps,
      'U:ic/mover/syncthing/mover.go:480-562',
    ),
    workload: 'Deployment',
    sourceOnly: true,
  },
  kopia: {
    ...rule(
      'kopia',
      'kopia',
      'volsync-src-',
      'volsync-dst-',
      dualCaps,
      'F:ic/mover/kopia/mover.go:1088-1402',
    ),
    fork: true,
  },
  rsync: {
    ...rule(
      'rsync',
      'rsync',
      'volsync-rsync-src-',
      'volsync-rsync-dst-',
      ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID', 'SYS_CHROOT'],
      'U:ic/mover/rsync/mover.go:409-431',
    ),
    alwaysPrivileged: true,
    hasMoverSecurityContext: false,
  },
};

function rule(
  specKey: string,
  container: string,
  src: string,
  dst: string,
  caps: string[],
  cite: string,
): MoverRule {
  return {
    specKey,
    container,
    workload: 'Job',
    prefix: { source: src, destination: dst },
    privilegedCaps: caps,
    alwaysPrivileged: false,
    hasMoverSecurityContext: true,
    sourceOnly: false,
    fork: false,
    cite,
  };
}

export const moverTypes = Object.keys(moverRules) as MoverType[];

/** Spec keys VolSync knows that build no mover pod. */
export const podlessSpecKeys = ['external'];
