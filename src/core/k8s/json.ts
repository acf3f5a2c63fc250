/** Narrowing helpers for plain JSON read from manifests or the API server. */

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function field(v: unknown, key: string): unknown {
  return isObject(v) ? v[key] : undefined;
}

export function path(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) cur = field(cur, k);
  return cur;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asInteger(v: unknown): number | undefined {
  return Number.isInteger(v) ? (v as number) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asStringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}
