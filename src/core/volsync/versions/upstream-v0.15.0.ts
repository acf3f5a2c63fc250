import { upstreamV0_14_0 } from './upstream-v0.14.0.js';
import type { VolsyncVersion } from './types.js';

/** moverVolumes may be NFS (U d2a30b46). */
export const upstreamV0_15_0: VolsyncVersion = {
  ...upstreamV0_14_0,
  id: 'upstream-v0.15.0',
  ref: 'v0.15.0',
  moverVolumeTypes: ['persistentVolumeClaim', 'secret', 'nfs'],
};
