import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/** Everything a command touches outside itself, injected so tests run commands in-process. */
export interface Deps {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  stdin: Readable;
  env: Record<string, string | undefined>;
  /** The kubectl binary for -k. */
  kubectl?: string;
  /** Ctrl-C and SIGTERM, for commands that must clean up before they exit (fix-job --wait). */
  interrupt?: Interrupt;
}

export interface Interrupt {
  signal: AbortSignal;
  /** While held, an interrupt aborts `signal` instead of exiting; call the result to let go. */
  hold(): () => void;
}

/** Whether a person is at a terminal: stdin and stdout both TTYs. */
export const onTerminal = (d: Pick<Deps, 'stdin' | 'stdout'>): boolean =>
  (d.stdin as { isTTY?: boolean }).isTTY === true && d.stdout.isTTY === true;

export function write(s: Writable, text: string): void {
  if (text !== '') s.write(text);
}

const batchBytes = 1 << 18;

/**
 * Writes chunks in batches, waiting for the stream to drain, so large reports stay out of memory.
 * Each chunk is encoded straight into the batch's bytes: joining the strings first and letting the
 * stream encode the join copied a 130 MB report twice more.
 */
export async function writeChunks(s: Writable, chunks: Iterable<string>): Promise<void> {
  let batch = Buffer.allocUnsafe(batchBytes);
  let used = 0;
  const flush = async () => {
    if (used === 0) return;
    const full = batch.subarray(0, used);
    batch = Buffer.allocUnsafe(batchBytes);
    used = 0;
    if (!s.write(full)) await once(s, 'drain');
  };
  for (const c of chunks) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so a chunk that fits by that bound is whole
    if (used + c.length * 3 > batch.length) await flush();
    if (c.length * 3 > batch.length) write(s, c);
    else used += batch.write(c, used);
  }
  await flush();
}
