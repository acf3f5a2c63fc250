import type { Identity } from './identity.js';
import type { Resolution } from './resolve.js';
import { layers, type TraceStep } from './trace.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const key = (s: TraceStep) => JSON.stringify([s.layer, s.field, s.value, s.effect]);

/**
 * Combines the resolutions of a mover built unprivileged and privileged when the namespace
 * annotation is unknown: values both agree on stay, the others become null (unknown), and steps
 * that differ say which case they belong to.
 */
export function mergeUnknownPrivileged(
  off: Resolution,
  on: Resolution,
  dependsOn: string,
): Resolution {
  const id = {} as Record<keyof Identity, unknown>;
  for (const k of Object.keys(off.identity) as (keyof Identity)[])
    id[k] = same(off.identity[k], on.identity[k]) ? off.identity[k] : null;
  const inOn = new Set(on.trace.map(key));
  const inOff = new Set(off.trace.map(key));
  const trace: TraceStep[] = [];
  for (const layer of layers) {
    for (const s of off.trace)
      if (s.layer === layer)
        trace.push(inOn.has(key(s)) ? s : { ...s, effect: `if not privileged: ${s.effect}` });
    for (const s of on.trace)
      if (s.layer === layer && !inOff.has(key(s)))
        trace.push({ ...s, effect: `if privileged: ${s.effect}` });
  }
  const differing = (Object.keys(off.identity) as (keyof Identity)[]).filter(
    (k) => !same(off.identity[k], on.identity[k]),
  );
  const unknowns = [...off.unknowns, ...on.unknowns];
  if (differing.length > 0)
    unknowns.push({
      what: differing.join(', '),
      reason: 'VolSync builds the mover differently when privileged',
      dependsOn,
    });
  return {
    ...off,
    identity: id as unknown as Identity,
    trace,
    unknowns,
    uidDecidedBy: off.uidDecidedBy === on.uidDecidedBy ? off.uidDecidedBy : null,
    runAsNonRoot: same(off.runAsNonRoot, on.runAsNonRoot)
      ? off.runAsNonRoot
      : {
          refused: off.runAsNonRoot.refused || on.runAsNonRoot.refused ? null : false,
          message: 'depends on whether the mover is privileged',
        },
    groupsIncomplete: off.groupsIncomplete || on.groupsIncomplete,
    podSecurity: {
      baseline: off.podSecurity.baseline && on.podSecurity.baseline,
      restricted: off.podSecurity.restricted && on.podSecurity.restricted,
      violations: [...new Set([...off.podSecurity.violations, ...on.podSecurity.violations])],
    },
    admitted: off.admitted === on.admitted ? off.admitted : null,
    ineffectiveCaps: [...new Set([...off.ineffectiveCaps, ...on.ineffectiveCaps])],
  };
}
