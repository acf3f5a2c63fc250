import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';
import { hardened } from './hardened.js';

/** The rungs of kopiur's ladder, lowest first (kopiur.md §0 rule 3). */
export type RungName = 'hardened' | 'moverDefaults' | 'inherited' | 'recipe' | 'run';

/** One layer of the ladder: the contexts it writes and where they are written. */
export interface Rung {
  name: RungName;
  /** The object and field it comes from: `ClusterRepository/nfs spec.moverDefaults`. */
  from: string;
  securityContext?: SecurityContext;
  podSecurityContext?: PodSecurityContext;
}

/** The hardened rung kopiur puts under every mover. */
export const hardenedRung: Rung = {
  name: 'hardened',
  from: 'kopiur hardened defaults (K43:crates/api/src/common.rs hardened_security_context)',
  ...hardened,
};

/** Whether a rung pins a UID (or GID) at either level: the layer the ≥ 0.9.0 merge hoists from. */
export function pinnedId(r: Rung, field: 'runAsUser' | 'runAsGroup'): number | undefined {
  return r.securityContext?.[field] ?? r.podSecurityContext?.[field];
}
