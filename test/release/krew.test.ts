import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Platform {
  selector: { matchLabels: { os: string; arch: string } };
  uri: string;
  sha256: string;
  bin: string;
}
interface Manifest {
  metadata: { name: string };
  spec: { version: string; platforms: Platform[] };
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const manifestText = readFileSync('krew-manifest.yaml', 'utf8');
const manifest = load(manifestText) as Manifest;
const archiveOf = (p: Platform) => resolve('release', p.uri.split('/').pop() ?? '');

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** As run(), without blocking the event loop: the archive server lives in this process. */
function runAsync(cmd: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string }>((ok, fail) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      ok({ code, out });
    });
  });
}

let tools = '';
let server: Server;
let base = '';

beforeAll(() => {
  const kubectl = run('kubectl', ['version', '--client']);
  if (kubectl.code !== 0)
    throw new Error('kubectl is not on PATH: the krew tests need the real kubectl');
  const built = run('bash', ['scripts/build-krew-tools.sh']);
  if (built.code !== 0) throw new Error(`scripts/build-krew-tools.sh failed:\n${built.out}`);
  tools = built.stdout.trim().split('\n').pop() ?? '';
  // the archives as GitHub releases would serve them, for krew's own download path
  server = createServer((req, res) => {
    try {
      const body = readFileSync(resolve('release', (req.url ?? '').split('/').pop() ?? ''));
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise<void>((ok) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ok();
    }),
  );
});
afterAll(
  () =>
    new Promise<void>((ok) =>
      server.close(() => {
        ok();
      }),
    ),
);

/** PATH with krew as a kubectl plugin (kubectl-krew) and, when given, a krew bin directory. */
const pathWith = (...dirs: string[]) => [...dirs, tools, process.env['PATH'] ?? ''].join(delimiter);

describe('the krew release', () => {
  it('lists linux/amd64, linux/arm64, darwin/amd64, darwin/arm64 (the amd64 build) and windows/amd64, each with the sha256 of its archive', () => {
    expect(manifest.metadata.name).toBe('volsync-perms');
    expect(manifest.spec.version).toBe(`v${pkg.version}`);
    const labels = manifest.spec.platforms.map(
      (p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`,
    );
    expect(labels.sort()).toEqual([
      'darwin/amd64',
      'darwin/arm64',
      'linux/amd64',
      'linux/arm64',
      'windows/amd64',
    ]);
    for (const p of manifest.spec.platforms) {
      const digest = createHash('sha256')
        .update(readFileSync(archiveOf(p)))
        .digest('hex');
      expect(digest, p.uri).toBe(p.sha256);
      const listing = run('tar', ['-tzf', archiveOf(p)])
        .stdout.trim()
        .split('\n')
        .sort();
      expect(listing).toEqual(['LICENSE', p.bin].sort());
    }
    expect(manifest.spec.platforms.find((p) => p.selector.matchLabels.os === 'windows')?.bin).toBe(
      'kubectl-volsync_perms.exe',
    );
  });

  it("passes krew's validate-krew-manifest, which installs every platform through kubectl krew and checks the LICENSE", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volsync-perms-krew-'));
    // the index validator takes the plugin name from the file name
    const file = join(dir, 'volsync-perms.yaml');
    writeFileSync(
      file,
      manifestText.replaceAll(/https:\/\/github\.com\/[^\s]*\/download\/v[^/\s]+/g, base),
    );
    const r = await runAsync(join(tools, 'validate-krew-manifest'), ['-manifest', file], {
      PATH: pathWith(),
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/all spec.platform\[\] items are used/);
  });

  it('installs with kubectl krew install --archive, then runs as kubectl volsync-perms and shows in kubectl plugin list', () => {
    const root = mkdtempSync(join(tmpdir(), 'volsync-perms-krew-root-'));
    const linux = manifest.spec.platforms.find(
      (p) => p.selector.matchLabels.os === 'linux' && p.selector.matchLabels.arch === 'amd64',
    ) as Platform;
    const env = { KREW_ROOT: root, PATH: pathWith(join(root, 'bin')), KUBECONFIG: '/nonexistent' };
    const install = run(
      'kubectl',
      ['krew', 'install', '--manifest=krew-manifest.yaml', `--archive=${archiveOf(linux)}`],
      env,
    );
    expect(install.code, install.out).toBe(0);
    expect(install.out).toMatch(/Installed plugin: volsync-perms/);
    const version = run('kubectl', ['volsync-perms', 'version'], env);
    expect(version.code, version.out).toBe(0);
    expect(version.stdout).toBe(`kubectl-volsync_perms ${pkg.version}\n`);
    const list = run('kubectl', ['plugin', 'list'], env);
    expect(list.stdout).toContain(join(root, 'bin', 'kubectl-volsync_perms'));
  });

  it('the standalone executable prints what the npm build prints (explain --demo, help, usage errors)', () => {
    const exe = resolve('release/linux-amd64/kubectl-volsync_perms');
    for (const args of [
      ['version'],
      ['explain', 'ns/default', '--demo'],
      ['effective-uid', 'rs/bookstack', '--demo', '-o', 'json'],
      ['explain', '--bogus'],
      ['annotate', '--help'],
      ['fix-job', 'pvc/data', '--uid', '-1', '--gid', '0', '--demo'],
    ]) {
      const sea = run(exe, args, { NO_COLOR: '1' });
      const npm = run(process.execPath, ['dist/kubectl-volsync_perms', ...args], { NO_COLOR: '1' });
      expect({ code: sea.code, out: sea.out }, args.join(' ')).toEqual({
        code: npm.code,
        out: npm.out,
      });
    }
  });
});
