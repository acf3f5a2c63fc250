import { forkV0_17_11 } from './fork-v0.17.11.js';
import type { VolsyncVersion } from './types.js';

/** The fork's main on 2026-03-22 (F 6966ac30). */
export const fork_6966ac30: VolsyncVersion = {
  ...forkV0_17_11,
  id: 'fork-6966ac30',
  ref: '6966ac30',
};
