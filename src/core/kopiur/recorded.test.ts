import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { indexSnapshot } from '../snapshot-index.js';
import { snapshotOf } from '../test-support/builders.js';
import { kopiur, policy, snapshotRow } from '../test-support/kopiur-builders.js';
import { recordedSourceOf, type RecordedSource } from './recorded.js';

const restoreFrom = (source: Record<string, unknown>) =>
  kopiur('Restore', 'r', { source, target: { pvcRef: { name: 'data' } } });

function pick(source: Record<string, unknown>, rows: KubeObject[], repo?: KubeObject) {
  const objects = [policy('pg'), ...rows];
  return recordedSourceOf(restoreFrom(source), objects, indexSnapshot(snapshotOf(objects)), repo);
}
const chosen = (r: RecordedSource) => (r.found === 'recorded' ? r.snapshot : r.found);

const rows = [
  snapshotRow('old', 'pg@media:/pvc/pg', '2026-06-01T00:00:00Z', { uid: 1 }),
  snapshotRow('new', 'pg@media:/pvc/pg', '2026-06-03T00:00:00Z', { uid: 3 }),
  snapshotRow('mid', 'pg@media:/pvc/pg', '2026-06-02T00:00:00Z', { uid: 2 }),
  snapshotRow('undated', 'pg@media:/pvc/pg', undefined, { uid: 9 }),
  snapshotRow('other-user', 'redis@media:/pvc/pg', '2026-06-04T00:00:00Z', { uid: 7 }),
  snapshotRow('other-host', 'pg@apps:/pvc/pg', '2026-06-04T00:00:00Z', { uid: 8 }),
];

describe("kopiur's CR-catalog search for a Restore's recorded identity (kopiur.md §6)", () => {
  it.each([
    ['fromPolicy: the newest row of the policy identity', { fromPolicy: { name: 'pg' } }, 'new'],
    ['offset 1: the previous one', { fromPolicy: { name: 'pg', offset: 1 } }, 'mid'],
    [
      'offset past the dated rows reaches the undated one',
      { fromPolicy: { name: 'pg', offset: 3 } },
      'undated',
    ],
    ['offset out of range', { fromPolicy: { name: 'pg', offset: 4 } }, 'none'],
    ['a negative offset counts as 0', { fromPolicy: { name: 'pg', offset: -1 } }, 'new'],
    [
      'asOf keeps rows at or before it',
      { fromPolicy: { name: 'pg', asOf: '2026-06-02T12:00:00Z' } },
      'mid',
    ],
    [
      'asOf exactly at an endTime keeps that row',
      { fromPolicy: { name: 'pg', asOf: '2026-06-02T00:00:00Z' } },
      'mid',
    ],
    [
      'asOf composes with offset',
      { fromPolicy: { name: 'pg', asOf: '2026-06-02T12:00:00Z', offset: 1 } },
      'old',
    ],
    ['asOf before every row', { fromPolicy: { name: 'pg', asOf: '2026-05-01T00:00:00Z' } }, 'none'],
    [
      'identity: exact user and host, any path',
      { identity: { username: 'pg', hostname: 'apps' } },
      'other-host',
    ],
    [
      'identity with a path matches it exactly',
      { identity: { username: 'pg', hostname: 'media', sourcePath: '/other' } },
      'unknown',
    ],
    [
      'identity pinned by kopia snapshot ID',
      { identity: { username: 'pg', hostname: 'media', snapshotID: 'k-old' } },
      'old',
    ],
    [
      'a pin must still match the identity',
      { identity: { username: 'redis', hostname: 'media', snapshotID: 'k-old' } },
      'none',
    ],
    ['snapshotRef names the row', { snapshotRef: { name: 'mid' } }, 'mid'],
    ['snapshotRef to a row not in the input', { snapshotRef: { name: 'gone' } }, 'unknown'],
  ])('%s', (_what, source, want) => {
    const got = chosen(pick(source, rows));
    expect(got).toBe(want === 'none' || want === 'unknown' ? want : `Snapshot/media/${want}`);
  });

  it('skips a newer row without status.recorded: the data restored is the recorded row too', () => {
    const bare = snapshotRow('bare-newest', 'pg@media', '2026-06-09T00:00:00Z');
    expect(chosen(pick({ fromPolicy: { name: 'pg' } }, [bare, ...rows]))).toBe(
      'Snapshot/media/new',
    );
  });

  it('rows of the identity none of which carries a recorded identity: kopiur holds (none), naming VolSync', () => {
    const got = pick({ fromPolicy: { name: 'pg' } }, [
      snapshotRow('v', 'pg@media', '2026-06-09T00:00:00Z'),
    ]);
    expect(got.found).toBe('none');
    expect(got.found !== 'recorded' && got.why).toContain('VolSync writes no kopiur-meta tag');
  });

  it('snapshotRef to a row without status.recorded: kopiur holds (none)', () => {
    const bare = snapshotRow('bare', 'pg@media', '2026-06-09T00:00:00Z');
    expect(pick({ snapshotRef: { name: 'bare' } }, [bare]).found).toBe('none');
  });

  it("the policy's identity: spec.identity overrides its name; identityDefaults CEL makes it unknown", () => {
    const renamed = policy('pg');
    renamed.spec = {
      ...(renamed.spec as Record<string, unknown>),
      identity: { username: 'postgres' },
    };
    const row = snapshotRow('p', 'postgres@media', '2026-06-01T00:00:00Z', { uid: 5 });
    const objects = [renamed, row];
    expect(
      chosen(
        recordedSourceOf(
          restoreFrom({ fromPolicy: { name: 'pg' } }),
          objects,
          indexSnapshot(snapshotOf(objects)),
          undefined,
        ),
      ),
    ).toBe('Snapshot/media/p');
    const cel = kopiur('ClusterRepository', 'nas', {
      identityDefaults: { usernameExpr: 'object.metadata.labels.app' },
    });
    expect(pick({ fromPolicy: { name: 'pg' } }, rows, cel)).toMatchObject({ found: 'unknown' });
  });

  it('a row without status.recorded never changes which row is chosen (property)', () => {
    const row = fc.record({
      day: fc.option(fc.integer({ min: 1, max: 28 }), { nil: undefined }),
      uid: fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 8 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: -1, max: 4 }),
        (spec, bareDay, offset) => {
          const built = spec.map((r, i) =>
            snapshotRow(
              `r${i}`,
              'pg@media',
              r.day === undefined
                ? undefined
                : `2026-06-${String(r.day).padStart(2, '0')}T00:00:00Z`,
              r.uid === undefined ? {} : { uid: r.uid },
            ),
          );
          const bare = snapshotRow(
            'bare',
            'pg@media',
            `2026-06-${String(bareDay).padStart(2, '0')}T00:00:00Z`,
          );
          const source = { fromPolicy: { name: 'pg', offset } };
          const a = pick(source, built);
          const b = pick(source, [...built, bare]);
          expect(a.found === 'recorded' ? a.snapshot : undefined).toBe(
            b.found === 'recorded' ? b.snapshot : undefined,
          );
        },
      ),
    );
  });
});
