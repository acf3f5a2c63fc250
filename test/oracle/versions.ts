import { join } from 'node:path';
import { volsyncVersions } from '../../src/core/volsync/versions/index.js';
import type { VolsyncVersion } from '../../src/core/volsync/versions/types.js';

export type Flavor = VolsyncVersion['flavor'];

/** A modelled VolSync version and its source in ../shared/volsync-src. */
export interface OracleVersion {
  id: string;
  flavor: Flavor;
  /** The tag (`v0.17.7`), or the commit of a branch head (`6966ac30`). */
  ref: string;
  archive: string;
}

/** Every version the tool models is judged by its own controller. */
export const oracleVersions: OracleVersion[] = volsyncVersions.map((v) => ({
  id: v.id,
  flavor: v.flavor,
  ref: v.ref,
  archive: join('..', 'shared', 'volsync-src', `volsync-${v.id}.tar.gz`),
}));
