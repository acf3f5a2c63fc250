import { upstreamV0_16_0 } from './upstream-v0.16.0.js';
import type { VolsyncVersion } from './types.js';

/** Upstream main on 2026-07-02, published as 0.17.0 images (U 5ca54dab). */
export const upstream_5ca54dab: VolsyncVersion = {
  ...upstreamV0_16_0,
  id: 'upstream-5ca54dab',
  ref: '5ca54dab',
};
