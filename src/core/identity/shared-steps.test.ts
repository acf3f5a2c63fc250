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
  effect: fc.constantFrom('sets it', 'keeps it'),
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
    expect(asString).not.toBe(first);
    expect(otherField).not.toBe(first);
  });
});
