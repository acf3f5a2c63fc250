import { isObject } from '../k8s/json.js';

/** One field where the workload on the cluster is not what VolSync's rules build. */
export interface FieldDrift {
  /** `spec.template.spec.containers[kopia].securityContext.runAsUser` */
  field: string;
  /** undefined: the field is absent on that side. */
  predicted: unknown;
  live: unknown;
}

/**
 * The key that pairs the items of two lists: `name` when every item on both sides has a distinct
 * one (containers, volumes, env), so an injected sidecar is one added item and not a shift of
 * every item after it; else the index (volumeMounts may mount one volume twice).
 */
function pairing(a: unknown[], b: unknown[]): ((x: unknown, i: number) => string) | undefined {
  const names = (l: unknown[]) => l.map((x) => (isObject(x) ? x['name'] : undefined));
  const distinct = (l: unknown[]) => {
    const n = names(l);
    return n.every((x) => typeof x === 'string') && new Set(n).size === n.length;
  };
  return distinct(a) && distinct(b)
    ? (x) => String((x as Record<string, unknown>)['name'])
    : undefined;
}

function walk(at: string, p: unknown, l: unknown, out: FieldDrift[]): void {
  if (isObject(p) && isObject(l)) {
    const keys = [...new Set([...Object.keys(p), ...Object.keys(l)])].sort();
    for (const k of keys) walk(at === '' ? k : `${at}.${k}`, p[k], l[k], out);
    return;
  }
  if (Array.isArray(p) && Array.isArray(l)) {
    const key = pairing(p, l);
    if (!key) {
      for (let i = 0; i < Math.max(p.length, l.length); i++) walk(`${at}[${i}]`, p[i], l[i], out);
      return;
    }
    const live = new Map(l.map((x, i) => [key(x, i), x]));
    const predicted = new Map(p.map((x, i) => [key(x, i), x]));
    for (const [k, x] of predicted) walk(`${at}[${k}]`, x, live.get(k), out);
    for (const [k, x] of live) if (!predicted.has(k)) walk(`${at}[${k}]`, undefined, x, out);
    return;
  }
  if (JSON.stringify(p) !== JSON.stringify(l)) out.push({ field: at, predicted: p, live: l });
}

/**
 * Where two projections of a workload (workload-projection.ts) differ, field by field: what the
 * VolSync version's rules build against what the cluster holds. Empty when they agree.
 */
export function workloadDrift(predicted: unknown, live: unknown): FieldDrift[] {
  const out: FieldDrift[] = [];
  walk('', predicted, live, out);
  return out;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/** `field predicted → live`, one per drift, for messages. */
export const driftText = (d: FieldDrift): string =>
  `${d.field} ${show(d.predicted)} → ${show(d.live)}`;
