import { describe, expect, it } from 'vitest';
import { keepObject } from './keep-object.js';

const apiVersion = 'kopiur.home-operations.com/v1alpha1';

describe('keepObject: what a Restore recorded-identity search reads survives the reduction', () => {
  it("keeps a kopiur Snapshot row's identity, snapshot ID, end time and recorded identity, and drops the rest", () => {
    const o = keepObject(
      {
        apiVersion,
        kind: 'Snapshot',
        metadata: { name: 'pg-1', namespace: 'db' },
        status: {
          phase: 'Completed',
          snapshot: {
            kopiaSnapshotID: 'k1',
            identity: { username: 'pg', hostname: 'db' },
            stats: { files: 3 },
          },
          timing: { startTime: '2026-12-01T01:00:00Z', endTime: '2026-12-01T02:00:00Z' },
          recorded: { schema: 1, src: 'explicit', uid: 10000 },
        },
      },
      undefined,
    );
    expect(o?.status).toEqual({
      snapshot: { kopiaSnapshotID: 'k1', identity: { username: 'pg', hostname: 'db' } },
      timing: { endTime: '2026-12-01T02:00:00Z' },
      recorded: { schema: 1, src: 'explicit', uid: 10000 },
    });
  });

  it("keeps a SnapshotPolicy's identity resolved at admission", () => {
    const o = keepObject(
      {
        apiVersion,
        kind: 'SnapshotPolicy',
        metadata: { name: 'pg', namespace: 'db' },
        status: { resolved: { identity: { username: 'postgres', hostname: 'db' }, other: 1 } },
      },
      undefined,
    );
    expect(o?.status).toEqual({ resolved: { identity: { username: 'postgres', hostname: 'db' } } });
  });

  it('keeps no status for a kopiur object without these fields, nor for another API group', () => {
    const bare = keepObject(
      {
        apiVersion,
        kind: 'Restore',
        metadata: { name: 'r', namespace: 'db' },
        status: { phase: 'x' },
      },
      undefined,
    );
    expect(bare?.status).toBeUndefined();
    const other = keepObject(
      {
        apiVersion: 'longhorn.io/v1beta2',
        kind: 'Snapshot',
        metadata: { name: 's', namespace: 'db' },
      },
      undefined,
    );
    expect(other).toBeUndefined();
  });
});
