import type { KopiurVersion } from './types.js';

/**
 * The oldest release read line by line (K43, perfectra1n/kopiur@561587b8): hardened ⊂ moverDefaults
 * ⊂ recipe field by field (K43:crates/api/src/common.rs resolve_mover, merge_security_context), no
 * invariants, inheritance exclusive with an explicit context (webhook-enforced).
 */
export const kopiurV0_4_3: KopiurVersion = {
  id: '0.4.3',
  identityMerge: 'per-field',
  invariants: false,
  inheritMergesWithExplicit: false,
  inheritFromSnapshot: false,
  snapshotMoverLayer: false,
};
