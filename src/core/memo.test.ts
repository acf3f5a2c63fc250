import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoByString, memoByTable } from './memo.js';

describe('memoByString', () => {
  it('answers as the function does, calling it once per key', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 50 }), (keys) => {
        let calls = 0;
        const f = (k: string) => (calls++, `${k}!`);
        const m = memoByString(f);
        for (const k of keys) expect(m(k)).toBe(`${k}!`);
        expect(calls).toBe(new Set(keys).size);
      }),
    );
  });

  it('remembers undefined answers too', () => {
    let calls = 0;
    const m = memoByString(() => (calls++, undefined));
    m('a');
    m('a');
    expect(calls).toBe(1);
  });

  it('starts over past its limit and still answers as the function does', () => {
    let calls = 0;
    const m = memoByString((k) => (calls++, k.length), 2);
    expect([m('a'), m('bb'), m('ccc'), m('a')]).toEqual([1, 2, 3, 1]);
    expect(calls).toBe(4);
  });
});

describe('memoByTable', () => {
  it('keeps the answers of one table apart from another', () => {
    const m = memoByTable((t: string[], k: string) => t.includes(k));
    const a = ['x'];
    const b = ['y'];
    expect([m(a, 'x'), m(b, 'x'), m(a, 'y'), m(b, 'y')]).toEqual([true, false, false, true]);
  });
});
