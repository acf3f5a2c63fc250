import type { MoverType } from '../movers.js';

/**
 * The rules of one VolSync version that decide the workloads it builds for a mover, as data:
 * the same rule functions read every version's table (issue 17; checked against the real
 * controller of each version by test/oracle). A version's table says what changed from the one
 * before it.
 */
export interface VolsyncVersion {
  /** `upstream-v0.16.0`, `fork-v0.17.7`, `fork-6966ac30` (a branch head at that commit). */
  id: string;
  flavor: 'upstream' | 'fork';
  /** The tag, or the commit of a branch head. */
  ref: string;
  /** The chart's appVersion the release publishes images under, for reading a controller's tag. */
  movers: MoverType[];
  /**
   * The moverVolumes source types its CRDs keep (the API server prunes the others, and VolSync
   * then mounts nothing for that entry); empty before the field existed.
   */
  moverVolumeTypes: string[];
  /** Whether the legacy rsync (ssh) mover is privileged whatever the namespace says. */
  rsyncAlwaysPrivileged: boolean;
  /** The sizeLimit of the emptyDir the kopia mover caches in, without a cache capacity or class. */
  kopiaCacheSizeLimit?: string;
  /** Whether a kopia source gets a maintenance CronJob of its own, as UID 1000 (the fork's v0.16.x). */
  kopiaSourceMaintenance?: boolean;
  /** The fork's KopiaMaintenance controller; undefined where the version has none. */
  maintenance?: MaintenanceRules;
}

export interface MaintenanceRules {
  /** The sizeLimit of the emptyDir the maintenance pods cache in, without a cache capacity. */
  cacheSizeLimit: string;
  /** Whether its CronJob and manual Job mount spec.moverVolumes (at /mnt/<mountPath>). */
  moverVolumes: boolean;
}
