import type { Snapshot } from '../core/snapshot.js';
import { tuiData } from './data.js';
import { runTui } from './run.js';

/**
 * The TUI's one entry: the command hands over the snapshot it read, and this module (with Ink
 * and React) is loaded only then. The standalone executable ships it as a separate ES module.
 */
export function startTui(
  snapshot: Snapshot,
  source: { label: string; flags: string[] },
  o: Parameters<typeof runTui>[1],
): Promise<number> {
  return runTui(tuiData(snapshot, source.label, source.flags), o);
}
