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

/**
 * Calls through it run at most `limit()` at a time; `wake` starts waiting ones a raised limit
 * allows; `close` rejects the waiting ones and any later one (the running ones run on).
 */
export interface Gate {
  <R>(f: () => Promise<R>): Promise<R>;
  wake: () => void;
  close: (why: Error) => void;
}

/**
 * A gate for reads that succeed or fail together (read-cluster.ts): at most `limit()` calls at
 * once, whenever each was started. The limit is read again as each call ends, and on `wake`: a
 * client learns when its connection opens whether the server multiplexes, and the reads are
 * sent before that. The first call that fails closes it, before any waiting call starts: a read
 * that has failed sends nothing more, and no process is held open by requests nobody will see.
 */
export function limiter(limit: () => number): Gate {
  let running = 0;
  let closed: Error | undefined;
  const waiting: { start: () => void; cancel: (why: Error) => void }[] = [];
  const wake = () => {
    while (!closed && waiting.length > 0 && running < limit()) {
      running++;
      waiting.shift()?.start();
    }
  };
  const close = (why: Error) => {
    closed ??= why;
    for (const w of waiting.splice(0)) w.cancel(why);
  };
  const gate = async <R>(f: () => Promise<R>): Promise<R> => {
    if (closed) throw closed;
    if (running < limit()) running++;
    else await new Promise<void>((start, cancel) => waiting.push({ start, cancel }));
    try {
      return await f();
    } catch (e) {
      close(e instanceof Error ? e : new Error(String(e)));
      throw e;
    } finally {
      running--;
      wake();
    }
  };
  return Object.assign(gate, { wake, close });
}
