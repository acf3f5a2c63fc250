import type { KopiurVersion } from './types.js';
import { kopiurV0_4_3 } from './v0.4.3.js';

/** The invariants module appears (K:crates/api/src/invariants.rs; kopiur.md §0 rule 5). */
export const kopiurV0_4_7: KopiurVersion = { ...kopiurV0_4_3, id: '0.4.7', invariants: true };
