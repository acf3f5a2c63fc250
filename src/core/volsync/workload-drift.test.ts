import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driftText, workloadDrift } from './workload-drift.js';

const job = (container: Record<string, unknown>, extra: Record<string, unknown>[] = []) => ({
  kind: 'Job',
  spec: { template: { spec: { containers: [...extra, { name: 'kopia', ...container }] } } },
});

describe('workloadDrift names each field where the live workload is not the predicted one', () => {
  it.each([
    ['equal workloads', job({ image: 'a' }), job({ image: 'a' }), []],
    [
      'a changed scalar',
      job({ securityContext: { runAsUser: 0 } }),
      job({ securityContext: { runAsUser: 1000 } }),
      ['spec.template.spec.containers[kopia].securityContext.runAsUser 0 → 1000'],
    ],
    [
      'a field only the live workload has',
      job({}),
      job({ securityContext: { runAsNonRoot: true } }),
      ['spec.template.spec.containers[kopia].securityContext (absent) → {"runAsNonRoot":true}'],
    ],
    [
      'a sidecar injected before the mover: one added container, not a shift',
      job({ image: 'a' }),
      job({ image: 'a' }, [{ name: 'istio-proxy', image: 'proxy' }]),
      [
        'spec.template.spec.containers[istio-proxy] (absent) → {"name":"istio-proxy","image":"proxy"}',
      ],
    ],
    [
      'unnamed items pair by index',
      { volumeMounts: [{ mountPath: '/a' }, { mountPath: '/b' }] },
      { volumeMounts: [{ mountPath: '/a' }] },
      ['volumeMounts[1] {"mountPath":"/b"} → (absent)'],
    ],
  ])('%s', (_what, predicted, live, expected) => {
    expect(workloadDrift(predicted, live).map(driftText)).toEqual(expected);
  });

  const json = fc.jsonValue({ maxDepth: 4 });

  it('a workload never drifts from itself', () => {
    fc.assert(fc.property(json, (v) => workloadDrift(v, structuredClone(v)).length === 0));
  });

  it('drift is symmetric: the same fields, with the two sides swapped', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const there = workloadDrift(a, b)
          .map((d) => d.field)
          .sort();
        const back = workloadDrift(b, a)
          .map((d) => d.field)
          .sort();
        return JSON.stringify(there) === JSON.stringify(back);
      }),
    );
  });

  it('two different values always drift somewhere', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        return workloadDrift(a, b).length > 0;
      }),
    );
  });
});
