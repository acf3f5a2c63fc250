import type { KopiurVersion } from './types.js';
import { kopiurV0_4_7 } from './v0.4.7.js';

/** #259: an inherited context merges under the explicit one (kopiur.md §3.2, §8). */
export const kopiurV0_7_5: KopiurVersion = {
  ...kopiurV0_4_7,
  id: '0.7.5',
  inheritMergesWithExplicit: true,
};
