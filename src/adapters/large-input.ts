import { setFlagsFromString } from 'node:v8';

/** Bytes of manifests, or objects from a cluster, past which an input counts as large. */
export const largeInputBytes = 1024 * 1024;
export const largeInputObjects = 5000;

let said = false;

/**
 * Says that the input is large. V8 grows the young generation up to 64 MiB semispaces while a
 * large input is read, yet everything the engine keeps survives them: the growth costs ~110 MiB of
 * peak RSS on 20,000 movers and saves no time (README "Speed"). On a small input it is what keeps
 * the run short (explain --demo is 6 % slower without it). V8 reads the factor at each growth, so
 * from here on the young generation keeps the size it has.
 */
export function inputIsLarge(): void {
  if (said) return;
  said = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}
