import { upstreamV0_15_0 } from './upstream-v0.15.0.js';
import type { VolsyncVersion } from './types.js';

/** No change to the workloads a mover gets (U 22b97b07). */
export const upstreamV0_16_0: VolsyncVersion = {
  ...upstreamV0_15_0,
  id: 'upstream-v0.16.0',
  ref: 'v0.16.0',
};
