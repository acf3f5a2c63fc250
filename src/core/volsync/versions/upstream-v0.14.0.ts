import { upstreamV0_13_1 } from './upstream-v0.13.1.js';
import type { VolsyncVersion } from './types.js';

/** moverVolumes: PVCs and Secrets at /mnt/<mountPath> (U 6cbd2baf). */
export const upstreamV0_14_0: VolsyncVersion = {
  ...upstreamV0_13_1,
  id: 'upstream-v0.14.0',
  ref: 'v0.14.0',
  moverVolumeTypes: ['persistentVolumeClaim', 'secret'],
};
