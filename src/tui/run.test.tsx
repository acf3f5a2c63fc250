import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '../adapters/manifests/demo-snapshot.js';
import { tuiData } from './data.js';
import { runTui } from './run.js';

/** A terminal as Node hands it over: stdin a real stream (Ink reads it), stdout a TTY of 80x24. */
function fakeTerminal() {
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    modes: [] as boolean[],
    setRawMode(on: boolean) {
      stdin.modes.push(on);
      return stdin;
    },
  });
  let written = '';
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        written += String(chunk);
        done();
      },
    }),
    { isTTY: true, columns: 80, rows: 24 },
  );
  return { stdin, stdout, written: () => written };
}

describe('runTui on a terminal', () => {
  it('brackets pastes while in the alternate screen; a pasted q does not quit, a typed one does', async () => {
    const t = fakeTerminal();
    const exit = runTui(tuiData(demoSnapshot(), '--demo', ['--demo']), {
      stdin: t.stdin,
      stdout: t.stdout,
      color: false,
    });
    await sleep(100);
    t.stdin.write('\u001b[200~q\u001b[201~');
    t.stdin.write('j');
    await sleep(100);
    expect(t.written()).toMatch(/> media /);
    expect(t.written()).not.toContain('\u001b[?2004l');
    t.stdin.write('q');
    expect(await exit).toBe(0);
    const out = t.written();
    const at = (s: string) => out.indexOf(s);
    expect(at('\u001b[?1049h')).toBeGreaterThanOrEqual(0);
    expect(at('\u001b[?2004h')).toBeGreaterThan(at('\u001b[?1049h'));
    expect(at('\u001b[?2004l')).toBeGreaterThan(at('\u001b[?2004h'));
    expect(out.endsWith('\u001b[?2004l')).toBe(true);
    expect(t.stdin.modes).toEqual([true, false]);
  });
});
