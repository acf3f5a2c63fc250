import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLabelSelector, selects } from './label-selector.js';

describe('label selectors', () => {
  const labels = { app: 'a', 'batch.kubernetes.io/job-name': 'volsync-src-x' };
  it.each([
    ['an empty selector selects everything', {}, true],
    ['matchLabels equal', { matchLabels: { app: 'a' } }, true],
    ['matchLabels differing', { matchLabels: { app: 'b' } }, false],
    [
      'In with the value',
      {
        matchExpressions: [
          { key: 'batch.kubernetes.io/job-name', operator: 'In', values: ['volsync-src-x'] },
        ],
      },
      true,
    ],
    [
      'In without the key',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] },
      false,
    ],
    [
      'NotIn without the key selects',
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
      true,
    ],
    [
      'NotIn with the value',
      { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] },
      false,
    ],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [
      'every term must hold',
      { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      false,
    ],
  ])('%s', (_name, raw, expected) => {
    const s = parseLabelSelector(raw);
    expect(s).not.toBeNull();
    expect(selects(s ?? {}, labels)).toBe(expected);
  });

  it.each([
    ['an unknown operator', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In' }] }],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }],
    ['a non-string label value', { matchLabels: { a: 1 } }],
  ])('rejects %s', (_name, raw) => {
    expect(parseLabelSelector(raw)).toBeNull();
  });

  it('In and NotIn on the same values partition every label set', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y')),
        fc.array(fc.constantFrom('x', 'y'), { minLength: 1 }),
        (l, values) => {
          const inSel = { matchExpressions: [{ key: 'a', operator: 'In' as const, values }] };
          const notIn = { matchExpressions: [{ key: 'a', operator: 'NotIn' as const, values }] };
          expect(selects(inSel, l)).toBe(!selects(notIn, l));
        },
      ),
    );
  });
});
