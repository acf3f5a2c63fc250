import { describe, expect, it } from 'vitest';
import { deploy, statefulSet } from '../test-support/workload-builders.js';
import { replicasOf, resolveWorkloadClaims } from './workload-claims.js';

const names = (c: { claimName: string }[]) => c.map((x) => x.claimName);

describe('resolveWorkloadClaims', () => {
  it.each([
    [
      'a StatefulSet: <template>-<statefulset>-<ordinal> for each template and ordinal, and its plain claims',
      statefulSet('pg', {
        replicas: 2,
        templates: ['data', 'wal'],
        claims: { backup: 'pg-backup' },
      }),
      2,
      ['data-pg-0', 'data-pg-1', 'pg-backup', 'wal-pg-0', 'wal-pg-1'],
    ],
    [
      'ordinals from spec.ordinals.start',
      statefulSet('pg', { replicas: 2, templates: ['data'], ordinalsStart: 5 }),
      2,
      ['data-pg-5', 'data-pg-6'],
    ],
    [
      'a Deployment: its pod template claims only',
      deploy('web', { claims: { data: 'web-data', cache: 'web-cache' } }),
      1,
      ['web-cache', 'web-data'],
    ],
    [
      'a pod volume named like a template gets the template claim (the controller replaces it)',
      statefulSet('pg', { replicas: 1, templates: ['data'], claims: { data: 'ignored' } }),
      1,
      ['data-pg-0'],
    ],
  ])('%s', (_, w, replicas, expected) => {
    expect(names(resolveWorkloadClaims(w, replicas, new Set()).claims)).toEqual(expected);
  });

  it('says which claims are in the input and where each comes from', () => {
    const w = statefulSet('pg', { replicas: 2, templates: ['data'] });
    expect(resolveWorkloadClaims(w, 2, new Set(['data-pg-0'])).claims).toEqual([
      { claimName: 'data-pg-0', from: 'volumeClaimTemplate data, ordinal 0', inInput: true },
      { claimName: 'data-pg-1', from: 'volumeClaimTemplate data, ordinal 1', inInput: false },
    ]);
  });

  it('at 0 replicas the template claims are those of the input; claims beyond the replicas are retained, not repaired', () => {
    const w = statefulSet('pg', { templates: ['data'] });
    const existing = new Set(['data-pg-0', 'data-pg-2', 'data-pg-x-0', 'data-pg-01', 'other']);
    expect(names(resolveWorkloadClaims(w, 0, existing).claims)).toEqual(['data-pg-0', 'data-pg-2']);
    const at1 = resolveWorkloadClaims(w, 1, existing);
    expect(names(at1.claims)).toEqual(['data-pg-0']);
    expect(names(at1.retained)).toEqual(['data-pg-2']);
  });

  it.each([
    [undefined, 1],
    [0, 0],
    [3, 3],
  ])('spec.replicas %j is %i replicas', (replicas, expected) => {
    expect(replicasOf(statefulSet('pg', replicas === undefined ? {} : { replicas }))).toBe(
      expected,
    );
  });
});
