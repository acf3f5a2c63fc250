import { upstreamV0_15_0 } from './upstream-v0.15.0.js';
import type { VolsyncVersion } from './types.js';

/** perfectra1n's fork with the kopia mover, caching in an 8Gi emptyDir (F 43e03d54). */
export const forkV0_15_45: VolsyncVersion = {
  ...upstreamV0_15_0,
  id: 'fork-v0.15.45',
  ref: 'v0.15.45',
  flavor: 'fork',
  movers: ['restic', 'rclone', 'rsync', 'rsync-tls', 'syncthing', 'kopia'],
  moverVolumeTypes: [],
  kopiaCacheSizeLimit: '8Gi',
};
