import { fork_6966ac30 } from './fork-6966ac30.js';
import { forkV0_15_45 } from './fork-v0.15.45.js';
import { forkV0_16_1 } from './fork-v0.16.1.js';
import { forkV0_16_12 } from './fork-v0.16.12.js';
import { forkV0_17_11 } from './fork-v0.17.11.js';
import { forkV0_17_7 } from './fork-v0.17.7.js';
import type { VolsyncVersion } from './types.js';
import { upstream_5ca54dab } from './upstream-5ca54dab.js';
import { upstreamV0_13_1 } from './upstream-v0.13.1.js';
import { upstreamV0_14_0 } from './upstream-v0.14.0.js';
import { upstreamV0_15_0 } from './upstream-v0.15.0.js';
import { upstreamV0_16_0 } from './upstream-v0.16.0.js';

/** Every VolSync version the tool models, oldest first per flavor; each judged by its own controller. */
export const volsyncVersions: readonly VolsyncVersion[] = [
  upstreamV0_13_1,
  upstreamV0_14_0,
  upstreamV0_15_0,
  upstreamV0_16_0,
  upstream_5ca54dab,
  forkV0_15_45,
  forkV0_16_1,
  forkV0_16_12,
  forkV0_17_7,
  forkV0_17_11,
  fork_6966ac30,
];

/** The newest fork: it has every mover, and its rules for the others are upstream's (§9). */
export const newestVersion: VolsyncVersion = fork_6966ac30;

export const versionIds = volsyncVersions.map((v) => v.id);

export function findVersion(id: string): VolsyncVersion | undefined {
  return volsyncVersions.find((v) => v.id === id);
}
