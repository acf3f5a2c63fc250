import { forkV0_15_45 } from './fork-v0.15.45.js';
import type { VolsyncVersion } from './types.js';

/** Kopia maintenance moves out of the backup mover (F 790052c6). */
export const forkV0_16_1: VolsyncVersion = {
  ...forkV0_15_45,
  id: 'fork-v0.16.1',
  ref: 'v0.16.1',
  kopiaSourceMaintenance: true,
};
