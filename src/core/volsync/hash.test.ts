import { describe, expect, it } from 'vitest';
import { buildMoverPod, moverWorkloadName } from './build-mover-pod.js';
import { crc32Hex, sha256Hex } from './hash.js';
import { maintenanceCronJobName } from './kopia-maintenance.js';

describe('hashes VolSync uses for workload names', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['a'.repeat(1000), '41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3'],
  ])('sha256(%j) matches the FIPS 180-4 test vector', (s, hex) => {
    expect(sha256Hex(s)).toBe(hex);
  });

  it('crc32 of "123456789" is the IEEE check value, zero-padded', () => {
    expect(crc32Hex('123456789')).toBe('cbf43926');
    expect(crc32Hex('')).toBe('00000000');
  });

  it('Job names over 63 characters use crc32 of the owner name', () => {
    const long = 'a'.repeat(60);
    expect(moverWorkloadName({ mover: 'restic', kind: 'ReplicationSource', name: 'app' })).toBe(
      'volsync-src-app',
    );
    expect(moverWorkloadName({ mover: 'restic', kind: 'ReplicationSource', name: long })).toBe(
      `volsync-src-${crc32Hex(long)}`,
    );
    expect(moverWorkloadName({ mover: 'syncthing', kind: 'ReplicationSource', name: long })).toBe(
      `volsync-${long}`,
    );
    expect(
      moverWorkloadName({ mover: 'rsync-tls', kind: 'ReplicationDestination', name: 'db' }),
    ).toBe('volsync-rsync-tls-dst-db');
  });

  it("a syncthing pod's name label is the owner's name, crc32-hashed past 63 characters (U:ic/mover/syncthing/mover.go:314)", () => {
    const long = 'a'.repeat(64);
    const spec = (name: string) => ({
      kind: 'ReplicationSource' as const,
      namespace: 'n',
      name,
      mover: 'syncthing' as const,
      moverVolumes: [],
    });
    expect(buildMoverPod(spec('app'), false, 'img').labels?.['app.kubernetes.io/name']).toBe('app');
    expect(buildMoverPod(spec(long), false, 'img').labels?.['app.kubernetes.io/name']).toBe(
      crc32Hex(long),
    );
  });

  it('the KopiaMaintenance CronJob name truncates to 34 characters and adds 16 hex digits', () => {
    const name = maintenanceCronJobName('storage', 'x'.repeat(40));
    expect(name).toBe(
      `kopia-maint-${'x'.repeat(34)}-${sha256Hex(`storage/${'x'.repeat(40)}`).slice(0, 16)}`,
    );
  });
});
