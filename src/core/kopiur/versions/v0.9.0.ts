import type { KopiurVersion } from './types.js';
import { kopiurV0_7_5 } from './v0.7.5.js';

/**
 * #304 (breaking): the UID and the GID each come from the highest layer that pins one, across pod
 * and container (K:crates/api/src/common/secctx.rs merge_context_pair; kopiur.md §0 rule 4);
 * `inheritSecurityContextFrom.snapshot` reads the identity recorded on the backup (§6).
 */
export const kopiurV0_9_0: KopiurVersion = {
  ...kopiurV0_7_5,
  id: '0.9.0',
  identityMerge: 'highest-pinning-layer',
  inheritFromSnapshot: true,
};
