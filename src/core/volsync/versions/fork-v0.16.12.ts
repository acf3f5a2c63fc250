import { forkV0_16_1 } from './fork-v0.16.1.js';
import type { VolsyncVersion } from './types.js';

/** KopiaMaintenance with podSecurityContext and containerSecurityContext (F bf0b2c52). */
export const forkV0_16_12: VolsyncVersion = {
  ...forkV0_16_1,
  id: 'fork-v0.16.12',
  ref: 'v0.16.12',
  kopiaSourceMaintenance: false,
  maintenance: { cacheSizeLimit: '8Gi', moverVolumes: false },
};
