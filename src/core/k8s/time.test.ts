import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseGoDuration, parseTimestamp } from './time.js';

describe('Kubernetes timestamps and Go durations', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0],
    ['2026-11-30T00:00:20Z', 1795996820],
    ['2026-11-30T01:00:20+01:00', 1795996820],
    ['2026-11-29T23:30:20.5-00:30', 1795996820.5],
    ['2000-02-29T12:00:00Z', 951825600],
  ])('%s is %d seconds after the epoch', (s, t) => {
    expect(parseTimestamp(s)).toBe(t);
  });

  it.each(['', '2026-13-01T00:00:00Z', '2026-11-30', 'yesterday', '2026-11-30T00:00:00'])(
    'a malformed timestamp %j is undefined',
    (s) => {
      expect(parseTimestamp(s)).toBeUndefined();
    },
  );

  it.each([
    ['38s', 38],
    ['1m2.5s', 62.5],
    ['1h0m0s', 3600],
    ['250ms', 0.25],
  ])('Go duration %s is %d seconds', (s, t) => {
    expect(parseGoDuration(s)).toBeCloseTo(t);
  });

  it('a malformed duration is undefined', () => {
    expect(parseGoDuration('5 minutes')).toBeUndefined();
  });

  it('formatting then parsing gives the same whole second (agrees with Date)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800 }), (t) => {
        const s = formatTimestamp(t);
        expect(s).toBe(new Date(t * 1000).toISOString().replace('.000Z', 'Z'));
        expect(parseTimestamp(s)).toBe(t);
      }),
    );
  });
});
