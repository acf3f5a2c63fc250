import { forkV0_17_7 } from './fork-v0.17.7.js';
import type { VolsyncVersion } from './types.js';

/** moverVolumes may be NFS (F 0b08a487). */
export const forkV0_17_11: VolsyncVersion = {
  ...forkV0_17_7,
  id: 'fork-v0.17.11',
  ref: 'v0.17.11',
  moverVolumeTypes: ['persistentVolumeClaim', 'secret', 'nfs'],
  maintenance: { cacheSizeLimit: '8Gi', moverVolumes: true },
};
