/**
 * A pure function of a string, remembered: the engine asks the same few image references once per
 * mover, 20,000 times on a large tree. Bounded, because a long-running process (serve) meets
 * references without end; past `limit` the memory starts over.
 */
export function memoByString<R>(f: (key: string) => R, limit = 4096): (key: string) => R {
  let seen = new Map<string, R>();
  return (key) => {
    if (seen.has(key)) return seen.get(key) as R;
    const r = f(key);
    if (seen.size >= limit) seen = new Map();
    seen.set(key, r);
    return r;
  };
}

/**
 * A pure function of a table (compared by identity, never mutated once built) and a string,
 * remembered per table for as long as the table lives.
 */
export function memoByTable<T extends object, R>(
  f: (table: T, key: string) => R,
  limit = 4096,
): (table: T, key: string) => R {
  const perTable = new WeakMap<T, (key: string) => R>();
  return (table, key) => {
    let g = perTable.get(table);
    if (!g) {
      g = memoByString((k) => f(table, k), limit);
      perTable.set(table, g);
    }
    return g(key);
  };
}
