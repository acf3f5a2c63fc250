import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillable } from './placeholder.js';

const P = '\u{E000}ns\u{E000}';

describe('fillable', () => {
  it('fills the name into every string that holds the placeholder, as often as it does', () => {
    const fill = fillable({ a: `x ${P} y ${P}`, b: [1, P, null], c: true }, P);
    expect(fill('media')).toEqual({ a: 'x media y media', b: [1, 'media', null], c: true });
    expect(fill('$&-$1')).toEqual({ a: 'x $&-$1 y $&-$1', b: [1, '$&-$1', null], c: true });
  });

  it('keeps what does not hold the placeholder the same object, and copies the paths that do', () => {
    const untouched = { steps: [{ effect: 'plain' }] };
    const value = { untouched, named: { field: `Namespace/${P}` }, list: [untouched, P] };
    const a = fillable(value, P)('a');
    const b = fillable(value, P)('b');
    expect(a.untouched).toBe(untouched);
    expect(a.list[0]).toBe(untouched);
    expect(a.named).not.toBe(value.named);
    expect(value.named.field).toBe(`Namespace/${P}`);
    expect(b.named.field).toBe('Namespace/b');
  });

  it('returns the value itself when nothing holds the placeholder', () => {
    const value = { a: ['b', { c: 1 }] };
    expect(fillable(value, P)('x')).toBe(value);
  });

  it('keeps the key order, so the JSON is what the direct value gives', () => {
    const fill = fillable({ first: 1, second: P, third: 3 }, P);
    expect(JSON.stringify(fill('n'))).toBe('{"first":1,"second":"n","third":3}');
  });

  it('refuses to look inside anything but plain data, or a value that holds itself', () => {
    expect(() => fillable({ m: new Map([['k', P]]) }, P)).toThrow(/Map/);
    const loop: Record<string, unknown> = { name: P };
    loop['self'] = loop;
    expect(() => fillable(loop, P)).toThrow(/holds itself/);
  });

  it('copies an object held twice once, so the filled value shares as the value does', () => {
    const build = { trace: [{ field: `Namespace/${P}` }] };
    const filled = fillable({ off: build, on: build, chosen: build, other: { ...build } }, P)('a');
    expect(filled.on).toBe(filled.off);
    expect(filled.chosen).toBe(filled.off);
    expect(filled.other).not.toBe(filled.off);
    expect(filled.other).toEqual(filled.off);
  });

  it('equals replacing the placeholder in the JSON (property)', () => {
    const text = fc.oneof(
      fc.string(),
      fc.constant(P),
      fc.string().map((s) => `${s}${P}${s}`),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(json, name, (v, n) => {
        const direct = JSON.stringify(v).split(P).join(n);
        expect(JSON.stringify(fillable(v, P)(n))).toBe(direct);
      }),
    );
  });
});
