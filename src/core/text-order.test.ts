import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textOrder } from './text-order.js';

describe('textOrder', () => {
  it('sorts as kubectl does, whatever the locale: "ch" never after "h", upper case before lower', () => {
    expect(['h', 'chrony', 'db', 'B', 'a-b', 'ab', 'a.b'].sort(textOrder)).toEqual([
      'B',
      'a-b',
      'a.b',
      'ab',
      'chrony',
      'db',
      'h',
    ]);
  });

  it('is a total order: antisymmetric, zero only for equal texts, transitive', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        expect(Math.sign(textOrder(a, b)) + Math.sign(textOrder(b, a))).toBe(0);
        expect(textOrder(a, b) === 0).toBe(a === b);
        if (textOrder(a, b) <= 0 && textOrder(b, c) <= 0)
          expect(textOrder(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('agrees with byte order (Go, kubectl) on the characters of Kubernetes names', () => {
    const name = fc.stringMatching(/^[a-z0-9.-]{0,12}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(Math.sign(textOrder(a, b))).toBe(
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
      }),
    );
  });
});
