import type { Resolution } from './resolve.js';
import type { TraceStep } from './trace.js';

/**
 * Trace steps seen so far in one report. Movers built from one template explain themselves in the
 * same words: 20,000 movers of a generated tree hold 340,000 steps of which a few thousand differ,
 * and kept apart they are most of the report's memory.
 *
 * Found by source, then layer, field and value (a list value by its JSON, under a layer key of its
 * own so it never meets a string), then effect. The effect comes last because it is the one key
 * built afresh for every mover (`container kopia sets ...`): hashing it for a map costs more than
 * comparing it with the few effects met under the same other keys. Past `listed` of those the
 * slot becomes a map, so a key met with an effect per namespace stays linear.
 */
export type StepPool = Map<string, Map<string, Map<string, Map<Value, Slot>>>>;

type Value = Exclude<TraceStep['value'], unknown[]> | string;
type Slot = TraceStep[] | Map<string, TraceStep>;

const listed = 8;

/** The map under `k`, made empty when absent (no `make` closure: this runs for every step). */
function child<K, V extends Map<unknown, unknown>>(m: Map<K, V>, k: K): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = new Map() as V));
  return v;
}

function shared(pool: StepPool, t: TraceStep): TraceStep {
  const v = t.value;
  const list = Array.isArray(v);
  const byValue = child(child(child(pool, t.source), list ? `${t.layer}[]` : t.layer), t.field);
  const key: Value = list ? JSON.stringify(v) : v;
  let slot = byValue.get(key);
  if (slot === undefined) {
    byValue.set(key, [t]);
    return t;
  }
  if (Array.isArray(slot)) {
    for (const known of slot) if (known.effect === t.effect) return known;
    if (slot.length < listed) {
      slot.push(t);
      return t;
    }
    slot = new Map(slot.map((known) => [known.effect, known]));
    byValue.set(key, slot);
  }
  const known = slot.get(t.effect);
  if (known) return known;
  slot.set(t.effect, t);
  return t;
}

/**
 * The resolution with each trace step replaced by the pool's equal one (the first met). Steps are
 * never changed once made, so sharing one is the same as holding a copy.
 */
export function shareSteps(pool: StepPool, r: Resolution): Resolution {
  return { ...r, trace: r.trace.map((t) => shared(pool, t)) };
}
