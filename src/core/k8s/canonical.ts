import { isObject } from './json.js';

/** A JSON.stringify replacer that writes every object's keys sorted (by UTF-16 code unit). */
export const sortedKeys = (_key: string, v: unknown): unknown =>
  isObject(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v;

/** JSON with sorted keys: two values are equal as JSON when their canonical texts are. */
export const canonical = (v: unknown): string => JSON.stringify(v, sortedKeys);
