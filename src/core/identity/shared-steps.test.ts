import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shareSteps, type StepPool } from './shared-steps.js';
import type { Resolution } from './resolve.js';
import type { TraceStep } from './trace.js';

// shareSteps reads only the trace and keeps the rest as it is
const resolution = (r: { trace: TraceStep[] }) => r as unknown as Resolution;

const stepArb: fc.Arbitrary<TraceStep> = fc.record({
  layer: fc.constantFrom('image', 'pod', 'container', 'volsync'),
  field: fc.constantFrom('runAsUser', 'fsGroup'),
  value: fc.oneof(
    fc.constantFrom(0, 1000, '0', '1000', null, true, false),
    fc.array(fc.constantFrom('CHOWN', 'FOWNER'), { maxLength: 2 }),
    fc.array(fc.constantFrom(0, 1000), { maxLength: 2 }),
  ),
  // more effects than a slot lists before it becomes a map
  effect: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `effect ${i}`)),
  source: fc.constantFrom('a', 'b'),
});

describe('shareSteps', () => {
  it('keeps every trace as it was, step for step, whatever it shares', () => {
    fc.assert(
      fc.property(fc.array(fc.array(stepArb, { maxLength: 6 }), { maxLength: 8 }), (traces) => {
        const pool: StepPool = new Map();
        const shared = traces.map((trace) => shareSteps(pool, resolution({ trace })).trace);
        expect(shared).toEqual(traces);
      }),
    );
  });

  it('hands out one object for steps equal in every field, and apart ones for any difference', () => {
    const pool: StepPool = new Map();
    const a = {
      layer: 'pod',
      field: 'runAsUser',
      value: 1000,
      effect: 'sets it',
      source: 's',
    } as const;
    const [first] = shareSteps(pool, resolution({ trace: [{ ...a }] })).trace;
    const [again, asString, otherField] = shareSteps(
      pool,
      resolution({ trace: [{ ...a }, { ...a, value: '1000' }, { ...a, field: 'fsGroup' }] }),
    ).trace;
    expect(again).toBe(first);
    const [list, listAsString] = shareSteps(
      pool,
      resolution({
        trace: [
          { ...a, value: [1000] },
          { ...a, value: '[1000]' },
        ],
      }),
    ).trace;
    expect(listAsString).not.toBe(list);
    expect(listAsString?.value).toBe('[1000]');
    expect(asString).not.toBe(first);
    expect(otherField).not.toBe(first);
  });

  it('still finds each step once the steps of one key outnumber what a slot lists (an effect per namespace)', () => {
    const pool: StepPool = new Map();
    const step = (i: number): TraceStep => ({
      layer: 'volsync',
      field: 'privileged',
      value: true,
      effect: `privileged in ns-${i}`,
      source: 's',
    });
    const first = shareSteps(
      pool,
      resolution({ trace: Array.from({ length: 30 }, (_, i) => step(i)) }),
    );
    const again = shareSteps(
      pool,
      resolution({ trace: Array.from({ length: 30 }, (_, i) => step(i)) }),
    );
    expect(again.trace.every((t, i) => t === first.trace[i])).toBe(true);
    expect(new Set(first.trace).size).toBe(30);
  });
});
