import type { Readable, Writable } from 'node:stream';

/** Everything a command touches outside itself, injected so tests run commands in-process. */
export interface Deps {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  stdin: Readable;
  env: Record<string, string | undefined>;
  /** The kubectl binary for -k. */
  kubectl?: string;
}

export function write(s: Writable, text: string): void {
  if (text !== '') s.write(text);
}
