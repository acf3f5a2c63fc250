import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findWorkloadChange,
  isScaleAbandoned,
  planScaleDown,
  planScaleUp,
  readScaleRecord,
  scaleRecordAnnotation,
  type ScaleRecord,
} from './scale-record.js';

const record = (over: Partial<ScaleRecord> = {}): ScaleRecord => ({
  replicas: 2,
  jobs: ['volsync-perms-fix-data-pg-0-abcdef'],
  holder: { host: 'laptop', pid: 4242 },
  renewTime: '2026-12-01T10:00:00.000Z',
  leaseSeconds: 30,
  ...over,
});

const annotated = (value: unknown) => ({
  [scaleRecordAnnotation]: typeof value === 'string' ? value : JSON.stringify(value),
});

describe('the scale-down record', () => {
  it('is written in the same patch that scales to 0, with the resourceVersion read as precondition', () => {
    expect(planScaleDown(record(), '812')).toEqual({
      metadata: {
        resourceVersion: '812',
        annotations: { [scaleRecordAnnotation]: JSON.stringify(record()) },
      },
      spec: { replicas: 0 },
    });
  });

  it('the scale-up restores the recorded replicas exactly and removes the record', () => {
    expect(planScaleUp(record({ replicas: 3 }))).toEqual({
      metadata: { annotations: { [scaleRecordAnnotation]: null } },
      spec: { replicas: 3 },
    });
  });

  it('reads back any record it wrote', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/), { maxLength: 4 }),
        fc.integer({ min: 1, max: 4194304 }),
        (replicas, jobs, pid) => {
          const r = record({ replicas, jobs, holder: { host: 'h', pid } });
          expect(readScaleRecord(annotated(r))).toEqual(r);
        },
      ),
    );
  });

  it.each([
    ['not JSON', '{replicas: 2'],
    ['negative replicas', { ...record(), replicas: -1 }],
    ['fractional replicas', { ...record(), replicas: 1.5 }],
    ['a Job name that is a path', { ...record(), jobs: ['../../secrets/x'] }],
    ['no holder', { ...record(), holder: undefined }],
  ])('is malformed with %s', (_, value) => {
    expect(readScaleRecord(annotated(value))).toBe('malformed');
  });

  it('is absent without the annotation', () => {
    expect(readScaleRecord({ other: 'x' })).toBeUndefined();
    expect(readScaleRecord(undefined)).toBeUndefined();
  });

  const renewed = Date.parse(record().renewTime);
  it.each([
    ['abandoned when its holder is known dead', renewed, false, true],
    ['kept while its holder is alive on this host and renews it', renewed + 5_000, true, false],
    [
      'abandoned when its lease ran out, whoever has that pid now (reused)',
      renewed + 31_000,
      true,
      true,
    ],
    ['kept while another host holds it within its lease', renewed + 29_000, undefined, false],
    ['abandoned when another host let its lease run out', renewed + 31_000, undefined, true],
  ])('the record is %s', (_, nowMs, alive, expected) => {
    expect(isScaleAbandoned(record(), { nowMs, renewedMs: renewed }, alive)).toBe(expected);
  });
});

describe('findWorkloadChange', () => {
  const w = (generation: number, annotations: Record<string, string> = {}) => ({
    metadata: { generation, annotations, resourceVersion: String(generation * 10) },
  });

  it.each([
    [
      'nothing (a status write changes only the resourceVersion)',
      w(3),
      { ...w(3), metadata: { ...w(3).metadata, resourceVersion: '99' } },
      undefined,
    ],
    ['its spec', w(3), w(4), 'its spec changed (generation 3 -> 4)'],
    [
      'another run recorded a scale-down',
      w(3),
      w(3, annotated(record())),
      `its annotation ${scaleRecordAnnotation} changed`,
    ],
  ])('sees %s', (_, before, after, expected) => {
    expect(findWorkloadChange(before, after)).toBe(expected);
  });
});
