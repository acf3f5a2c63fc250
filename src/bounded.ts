/**
 * Maps `items` with at most `limit` calls of `f` in flight, keeping the input order: every
 * cluster, registry and fleet read shares this one pool.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Calls through it run at most `limit()` at a time; `wake` starts waiting ones a raised limit allows. */
export interface Gate {
  <R>(f: () => Promise<R>): Promise<R>;
  wake: () => void;
}

/**
 * A gate that lets at most `limit()` calls run at once, across every read that goes through it,
 * whenever it was started. The limit is read again as each call ends, and on `wake`: a client
 * learns when its connection opens whether the server multiplexes (read-cluster.ts sends its
 * reads before that).
 */
export function limiter(limit: () => number): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  const wake = () => {
    while (waiting.length > 0 && running < limit()) {
      running++;
      waiting.shift()?.();
    }
  };
  const gate = async <R>(f: () => Promise<R>): Promise<R> => {
    if (running < limit()) running++;
    else await new Promise<void>((started) => waiting.push(started));
    try {
      return await f();
    } finally {
      running--;
      wake();
    }
  };
  return Object.assign(gate, { wake });
}
