import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.js';

/** Applies a unified diff to `from`, checking every context line and hunk header on the way. */
function applyPatch(from: string, patch: string): string {
  const src = from === '' ? [] : from.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let pos = 0;
  const body = patch.replace(/\n$/, '').split('\n').slice(2);
  for (let i = 0; i < body.length;) {
    const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(body[i] as string);
    if (!m) throw new Error(`not a hunk header: ${body[i]}`);
    const [aStart, aLen, bStart, bLen] = m.slice(1).map(Number) as [number, number, number, number];
    const first = aLen === 0 ? aStart : aStart - 1;
    while (pos < first) out.push(src[pos++] as string);
    if (out.length !== (bLen === 0 ? bStart : bStart - 1)) throw new Error('new start is off');
    let [seenA, seenB] = [0, 0];
    for (i++; i < body.length && !(body[i] as string).startsWith('@@'); i++) {
      const line = body[i] as string;
      const text = line.slice(1);
      if (line[0] !== '+') {
        if (src[pos] !== text) throw new Error(`context mismatch at ${pos}`);
        pos++;
        seenA++;
      }
      if (line[0] !== '-') {
        out.push(text);
        seenB++;
      }
    }
    if (seenA !== aLen || seenB !== bLen) throw new Error('hunk lengths are off');
  }
  while (pos < src.length) out.push(src[pos++] as string);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

const text = fc
  .array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 40 })
  .map((l) => (l.length === 0 ? '' : `${l.join('\n')}\n`));

describe('unifiedDiff prints what diff -u prints', () => {
  it('equal texts print nothing', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x', 'y')).toBe('');
  });

  it('applying the diff to the first text gives the second, with headers and context that hold', () => {
    fc.assert(fc.property(text, text, (a, b) => applyPatch(a, unifiedDiff(a, b, 'x', 'y')) === b));
  });

  it.each([
    [
      'one changed line among many',
      'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n',
      'a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n',
    ],
    [
      'two changes far apart: two hunks',
      '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n',
      'x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n',
    ],
    ['lines added at the end', 'a\nb\n', 'a\nb\nc\nd\n'],
    ['everything removed', 'a\nb\n', ''],
  ])('%s: the same hunks as GNU diff -u', (_what, a, b) => {
    const dir = mkdtempSync(join(tmpdir(), 'udiff-'));
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    let gnu = '';
    try {
      execFileSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
    } catch (e) {
      gnu = (e as { stdout: string }).stdout;
    }
    const hunks = (d: string) => d.split('\n').slice(2).join('\n');
    expect(hunks(unifiedDiff(a, b, 'a', 'b'))).toBe(hunks(gnu));
  });
});
