import { useStdin } from 'ink';
import { useEffect, useEffectEvent } from 'react';
import { splitKeys, type Key } from './split-keys.js';

/**
 * How long an escape sequence a read ends inside waits for its rest before it is read as the
 * keys it holds (Ink waits 20 ms; a sequence is written at once, so this only delays Esc + `[`).
 */
const sequenceWaitMs = 50;

/**
 * Calls `onKey` for every key of every read of the terminal, in order. It reads stdin itself
 * rather than through Ink's useInput, which takes a read without escapes as one key and ESC + a
 * character as Alt+character (split-keys.ts). Ink still owns the terminal: its setRawMode puts
 * it in raw mode and reads stdin (undoing both when the app exits), and each of its reads emits
 * the `data` events listened to here.
 */
export function useKeys(onKey: (key: Key) => void): void {
  const { stdin, setRawMode } = useStdin();
  const handle = useEffectEvent(onKey);
  useEffect(() => {
    /** The unfinished sequence or paste the last read ended with. */
    let rest = '';
    let wait: NodeJS.Timeout | undefined;
    const read = (chunk: string, final: boolean) => {
      clearTimeout(wait);
      const split = splitKeys(rest + chunk, { final });
      rest = split.rest;
      for (const key of split.keys) handle(key);
      if (rest !== '' && !final)
        wait = setTimeout(() => {
          read('', true);
        }, sequenceWaitMs);
    };
    const onData = (chunk: string | Buffer) => {
      read(String(chunk), false);
    };
    setRawMode(true);
    stdin.on('data', onData);
    return () => {
      clearTimeout(wait);
      stdin.off('data', onData);
      setRawMode(false);
    };
  }, [stdin, setRawMode]);
}
