import { forkV0_16_12 } from './fork-v0.16.12.js';
import type { VolsyncVersion } from './types.js';

/** moverVolumes, without NFS (its CRDs prune it); the incident's version (F b9016a2b). */
export const forkV0_17_7: VolsyncVersion = {
  ...forkV0_16_12,
  id: 'fork-v0.17.7',
  ref: 'v0.17.7',
  moverVolumeTypes: ['persistentVolumeClaim', 'secret'],
};
