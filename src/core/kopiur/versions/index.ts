import { kopiurMain } from './main.js';
import type { KopiurVersion } from './types.js';
import { kopiurV0_4_3 } from './v0.4.3.js';
import { kopiurV0_4_7 } from './v0.4.7.js';
import { kopiurV0_7_5 } from './v0.7.5.js';
import { kopiurV0_9_0 } from './v0.9.0.js';

/** Every kopiur release whose identity rules differ, oldest first; `main` is the branch head. */
export const kopiurVersions: readonly KopiurVersion[] = [
  kopiurV0_4_3,
  kopiurV0_4_7,
  kopiurV0_7_5,
  kopiurV0_9_0,
  kopiurMain,
];

/** The newest release (0.10.8, 2026-09-07) builds movers as 0.9.0's table says. */
export const newestKopiurRelease = { tag: '0.10.8', version: kopiurV0_9_0 } as const;
