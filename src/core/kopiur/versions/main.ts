import type { KopiurVersion } from './types.js';
import { kopiurV0_9_0 } from './v0.9.0.js';

/** Post-0.10.8 `main` (unreleased): `Snapshot.spec.mover` is the highest layer (#464; kopiur.md §1). */
export const kopiurMain: KopiurVersion = { ...kopiurV0_9_0, id: 'main', snapshotMoverLayer: true };
