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

/** Writes chunks in batches, waiting for the stream to drain, so large reports stay out of memory. */
export async function writeChunks(s: Writable, chunks: Iterable<string>): Promise<void> {
  let batch = '';
  for (const c of chunks) {
    batch += c;
    if (batch.length < 1 << 16) continue;
    if (!s.write(batch)) await once(s, 'drain');
    batch = '';
  }
  write(s, batch);
}
