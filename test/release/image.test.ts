import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/adapters/registry/client.js';
import { readFacts } from '../integration/harness/read-facts.js';
import {
  resolveRegistryTools,
  startRegistry,
  type TestRegistry,
} from '../integration/harness/registry.js';

/**
 * The container image of serve (scripts/build-image.mjs, run by npm run release): an OCI layout
 * whose blobs are what they say, built the same twice, that a real registry takes from crane and
 * our own registry reader reads as nonroot 65532, and whose amd64 root filesystem runs the
 * executable.
 */
const layout = 'release/image';
type Descriptor = {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
};
const blob = (digest: string) =>
  readFileSync(join(layout, 'blobs', 'sha256', digest.replace('sha256:', '')));
const json = (digest: string): unknown => JSON.parse(blob(digest).toString('utf8'));
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
  manifests: Descriptor[];
};
const index = json(top.manifests[0]?.digest ?? '') as { manifests: Descriptor[] };
const images = index.manifests.map((m) => {
  const manifest = json(m.digest) as { config: Descriptor; layers: Descriptor[] };
  const config = json(manifest.config.digest) as {
    architecture: string;
    config: { User: string; Entrypoint: string[]; Cmd: string[] };
    rootfs: { diff_ids: string[] };
  };
  return { platform: m.platform, manifest, config };
});

const untar = (dir: string, layers: Descriptor[]) => {
  for (const l of layers) {
    const r = spawnSync('tar', [
      '-xzf',
      join(layout, 'blobs', 'sha256', l.digest.replace('sha256:', '')),
      '-C',
      dir,
    ]);
    expect(r.status, r.stderr.toString()).toBe(0);
  }
};

describe('the container image of serve', () => {
  it('is one index of linux/amd64 and linux/arm64, every blob the digest and size its descriptor names', () => {
    expect(
      index.manifests.map((m) => `${m.platform?.os ?? ''}/${m.platform?.architecture ?? ''}`),
    ).toEqual(['linux/amd64', 'linux/arm64']);
    for (const { manifest, config } of images) {
      for (const d of [manifest.config, ...manifest.layers]) {
        expect(sha(blob(d.digest))).toBe(d.digest);
        expect(blob(d.digest).length).toBe(d.size);
      }
      // diff_ids are the digests of the uncompressed layers
      expect(manifest.layers.map((l) => sha(gunzipSync(blob(l.digest))))).toEqual(
        config.rootfs.diff_ids,
      );
      expect(config.config).toMatchObject({
        User: '65532:65532',
        Entrypoint: ['/usr/local/bin/kubectl-volsync_perms'],
        Cmd: ['serve', '--listen', ':9713'],
      });
    }
  });

  it('gives nonroot its home and everyone /tmp (1777), and root the rest', () => {
    const base = images[0]?.manifest.layers[0]?.digest ?? '';
    const list = spawnSync(
      'tar',
      ['-tvzf', join(layout, 'blobs', 'sha256', base.replace('sha256:', ''))],
      { encoding: 'utf8' },
    ).stdout.split('\n');
    const entry = (path: string) => list.find((l) => l.endsWith(` ${path}`)) ?? '';
    expect(entry('./home/nonroot/')).toMatch(/^drwxr-xr-x 65532\/65532 /);
    expect(entry('./tmp/')).toMatch(/^drwxrwxrwt 0\/0 /);
    expect(entry('./etc/passwd')).toMatch(/^-rw-r--r-- 0\/0 /);
    expect(list.filter((l) => l !== '' && !l.includes(' 0/0 '))).toEqual([
      entry('./home/nonroot/'),
    ]);
  });

  it('is built the same twice: the same inputs give the same index digest', () => {
    const again = mkdtempSync(join(tmpdir(), 'image-again-'));
    try {
      const r = spawnSync(
        process.execPath,
        ['scripts/build-image.mjs', '--out', join(again, 'image')],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const other = JSON.parse(readFileSync(join(again, 'image', 'index.json'), 'utf8')) as {
        manifests: Descriptor[];
      };
      expect(other.manifests[0]?.digest).toBe(top.manifests[0]?.digest);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('holds an arm64 executable and the arm64 loader in its arm64 image', () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-arm64-'));
    try {
      untar(dir, images[1]?.manifest.layers ?? []);
      const elf = readFileSync(join(dir, 'usr/local/bin/kubectl-volsync_perms')).subarray(0, 20);
      expect(elf.readUInt16LE(18)).toBe(0xb7); // EM_AARCH64
      expect(readFileSync(join(dir, 'lib/ld-linux-aarch64.so.1')).subarray(1, 4).toString()).toBe(
        'ELF',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the executable as nonroot from its amd64 root filesystem alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-amd64-'));
    try {
      untar(dir, images[0]?.manifest.layers ?? []);
      // chroot needs root; elsewhere a user namespace maps this user to root
      const [cmd = 'chroot', ...prefix] =
        process.getuid?.() === 0
          ? ['chroot', '--userspec=65532:65532', dir]
          : ['unshare', '--map-root-user', 'chroot', dir];
      const chroot = (...args: string[]) =>
        spawnSync(cmd, [...prefix, ...args], {
          encoding: 'utf8',
          // the host's PATH finds chroot; inside, only the image's files exist
          env: { PATH: '/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/home/nonroot' },
        });
      const version = chroot('/usr/local/bin/kubectl-volsync_perms', 'version');
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout).toMatch(/^kubectl-volsync_perms \S+/);
      const demo = chroot(
        '/usr/local/bin/kubectl-volsync_perms',
        'explain',
        'ns/default',
        '--demo',
      );
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/bookstack/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('pushed to a real registry with crane', () => {
    let reg: TestRegistry;
    let tools: string;
    beforeAll(async () => {
      tools = await resolveRegistryTools();
      reg = await startRegistry(tools, 'none');
      const r = spawnSync(
        join(tools, 'crane'),
        ['push', layout, `${reg.host}/volsync-perms:0.1.0`, '--insecure'],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
    }, 600_000);
    afterAll(async () => {
      await reg.stop();
    });

    it('is read by our registry reader as nonroot 65532 on both platforms', async () => {
      const client = new RegistryClient({
        insecure: [],
        timeoutMs: 30_000,
        credential: () => undefined,
      });
      for (const architecture of ['amd64', 'arm64']) {
        const [facts] = await readFacts(client, [`${reg.host}/volsync-perms:0.1.0`], {
          platform: { os: 'linux', architecture },
          maxLayerBytes: 1 << 28,
        });
        expect(facts?.user, `${architecture}: ${facts?.source ?? ''}`).toBe('65532:65532');
        expect(facts?.passwd?.find((p) => p.uid === 65532)?.name, architecture).toBe('nonroot');
      }
    });
  });
});
