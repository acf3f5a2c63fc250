import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { appPod, statefulSet } from '../test-support/workload-builders.js';
import { podsOf, resolveStopped, selectorOf } from './workload-stopped.js';

const pg = statefulSet('pg', { replicas: 2, templates: ['data'] });
const status = (generation: number, observed: number | undefined, replicas?: number) => ({
  metadata: { generation },
  status: {
    ...(observed !== undefined && { observedGeneration: observed }),
    ...(replicas !== undefined && { replicas }),
  },
});

describe('resolveStopped', () => {
  it.each([
    [
      'the controller has not seen the scale-down',
      status(4, 3, 2),
      [],
      /controller to see the change \(generation 4, observed 3\)/,
    ],
    [
      'a pod is left (terminating pods still mount the claims)',
      status(4, 4, 0),
      [appPod('pg-1', 'pg', 'data-pg-1')],
      /its pods to be gone: pg-1/,
    ],
    ['status still counts replicas', status(4, 4, 1), [], /status\.replicas 1 to reach 0/],
  ] as const)('waits while %s', (_, raw, pods, waiting) => {
    const s = resolveStopped(raw, pg, pods);
    expect(s.stopped).toBe(false);
    if (!s.stopped) expect(s.waitingFor).toMatch(waiting);
  });

  it('is stopped when seen, counted 0 and without pods; finished pods and other apps do not count', () => {
    const others = [
      appPod('pg-0', 'pg', 'data-pg-0', { phase: 'Succeeded' }),
      appPod('web-1', 'web', 'data-pg-0'),
      appPod('pg-0', 'pg', 'data-pg-0', { ns: 'elsewhere' }),
    ];
    expect(resolveStopped(status(4, 4, 0), pg, others)).toEqual({ stopped: true });
  });
});

describe('selectorOf', () => {
  it('is spec.selector, or the template labels where a manifest has none (never everything)', () => {
    const bare: KubeObject = { ...pg, spec: { ...(pg.spec as object), selector: undefined } };
    expect(selectorOf(pg)).toEqual({ matchLabels: { app: 'pg' } });
    expect(selectorOf(bare)).toEqual({ matchLabels: { app: 'pg' } });
    expect(podsOf(bare, [appPod('web-1', 'web', 'x')])).toEqual([]);
  });
});
