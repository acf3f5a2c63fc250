import type { VolsyncVersion } from './types.js';

/** The oldest upstream release the oracle judges (U d271a175). */
export const upstreamV0_13_1: VolsyncVersion = {
  id: 'upstream-v0.13.1',
  flavor: 'upstream',
  ref: 'v0.13.1',
  movers: ['restic', 'rclone', 'rsync', 'rsync-tls', 'syncthing'],
  moverVolumeTypes: [],
  rsyncAlwaysPrivileged: true,
};
