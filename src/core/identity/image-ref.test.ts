import { describe, expect, it } from 'vitest';
import { parseImageRef, registryApiHost } from './image-ref.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('image references as container runtimes resolve them', () => {
  it.each([
    ['alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', undefined],
    ['quay.io/backube/volsync:0.17.0', 'quay.io', 'backube/volsync', '0.17.0', undefined],
    ['127.0.0.1:5000/movers/restic', '127.0.0.1:5000', 'movers/restic', 'latest', undefined],
    ['localhost/x:1', 'localhost', 'x', '1', undefined],
    [`ghcr.io/a/b@${digest}`, 'ghcr.io', 'a/b', undefined, digest],
    [`ghcr.io/a/b:v1@${digest}`, 'ghcr.io', 'a/b', 'v1', digest],
  ])('%s', (raw, registry, repository, tag, d) => {
    const ref = parseImageRef(raw);
    expect([ref?.registry, ref?.repository, ref?.tag, ref?.digest]).toEqual([
      registry,
      repository,
      tag,
      d,
    ]);
  });

  it.each(['Upper/Case', 'a/b:bad tag', 'a@sha256:short', 'a@b@c', 'a//b'])('rejects %s', (raw) => {
    expect(parseImageRef(raw)).toBeUndefined();
  });

  it('talks to Docker Hub on its API host', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
  });
});
