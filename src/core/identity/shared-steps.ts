import type { Resolution } from './resolve.js';
import type { TraceStep } from './trace.js';

/**
 * Trace steps seen so far in one report, by effect, then source, then layer, field and value.
 * Movers built from one template explain themselves in the same words: 20,000 movers of a
 * generated tree hold 340,000 steps of which a few thousand differ, and kept apart they are most
 * of the report's memory. Maps all the way down, no list to search: one effect comes with a
 * source per namespace (the privileged-movers decision), and a list of those made the sharing
 * quadratic.
 */
export type StepPool = Map<string, Map<string, Map<string, TraceStep>>>;

const valueKey = (v: TraceStep['value']) =>
  typeof v === 'object' ? JSON.stringify(v) : `${typeof v}:${String(v)}`;

const restKey = (t: TraceStep) => `${t.layer}\u0000${t.field}\u0000${valueKey(t.value)}`;

function shared(pool: StepPool, t: TraceStep): TraceStep {
  let bySource = pool.get(t.effect);
  if (!bySource) pool.set(t.effect, (bySource = new Map<string, Map<string, TraceStep>>()));
  let byRest = bySource.get(t.source);
  if (!byRest) bySource.set(t.source, (byRest = new Map<string, TraceStep>()));
  const k = restKey(t);
  const known = byRest.get(k);
  if (known) return known;
  byRest.set(k, t);
  return t;
}

/**
 * The resolution with each trace step replaced by the pool's equal one (the first met). Steps are
 * never changed once made, so sharing one is the same as holding a copy.
 */
export function shareSteps(pool: StepPool, r: Resolution): Resolution {
  return { ...r, trace: r.trace.map((t) => shared(pool, t)) };
}
