import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pushImage,
  pushIndex,
  pushManifestWithMissingConfig,
  type LayerSpec,
  type PushOptions,
  type TestImage,
} from './harness/images.js';
import {
  resolveRegistryTools,
  startRegistry,
  type RegistryAuthMode,
  type TestRegistry,
} from './harness/registry.js';

// The registry harness against tools that did not write it: crane must read back every config
// User we push, and flatten our layers (whiteouts, opaque dirs) as a runtime would.

const passwd = (...names: string[]) =>
  [
    'root:x:0:0:root:/root:/bin/sh',
    ...names.map((n, i) => `${n}:x:${1000 + i}:${1000 + i}::/:/bin/sh`),
  ]
    .join('\n')
    .concat('\n');

const base: LayerSpec = {
  files: [
    { path: '/etc/passwd', content: passwd('app', 'ghost') },
    { path: '/etc/group', content: 'root:x:0:\napp:x:1000:\n' },
    { path: '/etc/app/lower.conf', content: 'lower\n' },
    { path: '/bin/mover', content: '#!/bin/sh\n', mode: 0o755 },
  ],
};

/** An image of the base layer plus `upper`, run as `user`. */
const image = (user: string, ...upper: LayerSpec[]): TestImage => ({
  config: { User: user },
  layers: [base, ...upper],
});

interface Case {
  name: string;
  repo: string;
  tag: string;
  user: string;
  image: TestImage;
  options?: PushOptions;
}

const cases: Case[] = [
  { name: 'numeric uid', repo: 'users/numeric', tag: 'uid', user: '1000', image: image('1000') },
  {
    name: 'uid:gid',
    repo: 'users/numeric',
    tag: 'uid-gid',
    user: '1000:2000',
    image: image('1000:2000'),
  },
  {
    name: 'name in /etc/passwd',
    repo: 'users/named',
    tag: 'app',
    user: 'app',
    image: image('app'),
  },
  {
    name: 'name whose /etc/passwd an upper layer whites out',
    repo: 'users/named',
    tag: 'ghost',
    user: 'ghost',
    image: image('ghost', { whiteouts: ['/etc/passwd'] }),
  },
  {
    name: 'docker schema2 manifest',
    repo: 'users/docker',
    tag: 'v2',
    user: '1001',
    image: image('1001'),
    options: { format: 'docker' },
  },
];

const platforms = [
  { platform: { os: 'linux', architecture: 'amd64' }, user: '1000' },
  { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, user: '2000:3000' },
];

let tools: string;
beforeAll(async () => {
  tools = await resolveRegistryTools();
});

describe.each<RegistryAuthMode>(['none', 'basic', 'token'])('registry harness, auth %s', (mode) => {
  let reg: TestRegistry;
  let home: string;
  /**
   * crane with its own DOCKER_CONFIG: logged in for `basic`, anonymous otherwise. Asynchronous:
   * the token server runs in this process, so a spawnSync would deadlock on the token request.
   */
  const crane = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(tools, 'crane'),
        [...args, '--insecure'],
        { encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: home }, timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
            stdout,
            stderr,
          });
        },
      );
    });

  beforeAll(async () => {
    reg = await startRegistry(tools, mode);
    home = mkdtempSync(join(tmpdir(), 'volsync-perms-crane-'));
    if (mode === 'basic') {
      const { username, password } = reg.credentials;
      const login = await crane('auth', 'login', reg.host, '-u', username, '-p', password);
      expect(login.code).toBe(0);
      expect(login.stderr).toContain('logged in via');
    }
    for (const c of cases) await pushImage(reg, c.repo, c.tag, c.image, c.options);
    for (const format of ['oci', 'docker'] as const)
      await pushIndex(
        reg,
        'users/multi',
        format,
        platforms.map((p) => ({ platform: p.platform, image: image(p.user) })),
        { format },
      );
  });
  afterAll(async () => {
    await reg.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it.each(cases)('crane reads back config User of a pushed $name', async (c) => {
    const r = await crane('config', `${reg.host}/${c.repo}:${c.tag}`);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { config: { User?: string } }).config.User).toBe(c.user);
  });

  it.each(
    (['oci', 'docker'] as const).flatMap((format) => platforms.map((p) => ({ format, ...p }))),
  )(
    'crane picks the $platform.architecture config User $user from a $format multi-arch index',
    async ({ format, platform, user }) => {
      const r = await crane(
        'config',
        '--platform',
        `linux/${platform.architecture}`,
        `${reg.host}/users/multi:${format}`,
      );
      expect(r.stderr).toBe('');
      expect((JSON.parse(r.stdout) as { config: { User?: string } }).config.User).toBe(user);
      expect((JSON.parse(r.stdout) as { architecture: string }).architecture).toBe(
        platform.architecture,
      );
    },
  );

  it('the docker variant is served as a Docker schema2 manifest', async () => {
    const r = await crane('manifest', `${reg.host}/users/docker:v2`);
    expect(JSON.parse(r.stdout)).toMatchObject({
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json' },
    });
  });

  it('crane flattens the layers as a runtime would: whiteout deletes, opaque dir hides', async () => {
    await pushImage(
      reg,
      'users/flatten',
      'v1',
      image(
        'app',
        { whiteouts: ['/bin/mover'], opaqueDirs: ['/etc/app'] },
        { files: [{ path: 'etc/app/upper.conf', content: 'upper\n' }] },
      ),
    );
    const out = join(home, 'flat.tar');
    expect((await crane('export', `${reg.host}/users/flatten:v1`, out)).stderr).toBe('');
    const list = spawnSync('tar', ['-tf', out], { encoding: 'utf8' }).stdout.split('\n');
    expect(list).toEqual(expect.arrayContaining(['etc/passwd', 'etc/app/upper.conf']));
    expect(list).not.toContain('bin/mover');
    expect(list).not.toContain('etc/app/lower.conf');
    const passwdOut = spawnSync('tar', ['-xOf', out, 'etc/passwd'], { encoding: 'utf8' }).stdout;
    expect(passwdOut).toContain('app:x:1000:1000');
  });

  it('a manifest whose config blob is gone is served, its config is not', async () => {
    const pushed = await pushManifestWithMissingConfig(reg, 'users/broken', 'v1', image('1000'));
    const ref = `${reg.host}/users/broken:v1`;
    expect((await crane('digest', ref)).stdout.trim()).toBe(pushed.digest);
    const r = await crane('config', ref);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/BLOB_UNKNOWN|404/);
  });

  if (mode === 'basic')
    it('refuses an anonymous pull with 401', async () => {
      const r = await fetch(`${reg.url}/v2/users/numeric/manifests/uid`);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    });

  if (mode === 'token') {
    it('gives an anonymous caller a pull-only token, which the registry refuses for a push', async () => {
      const before = reg.tokenRequests.length;
      expect((await crane('config', `${reg.host}/users/numeric:uid`)).code).toBe(0);
      expect(reg.tokenRequests.slice(before)).toContainEqual({
        user: undefined,
        scopes: ['repository:users/numeric:pull'],
        status: 200,
      });
      const upload = `${reg.url}/v2/users/numeric/blobs/uploads/`;
      const challenge = (await fetch(upload, { method: 'POST' })).headers.get('www-authenticate');
      const p = Object.fromEntries(
        [...(challenge ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      ) as Record<string, string>;
      expect(p['realm']).toBe(reg.tokenRealm);
      // the registry lists the actions in no fixed order (pull,push or push,pull)
      const [type, repo, actions = ''] = (p['scope'] ?? '').split(':');
      expect([type, repo, actions.split(',').sort()]).toEqual([
        'repository',
        'users/numeric',
        ['pull', 'push'],
      ]);
      const realm = new URL(p['realm'] ?? '');
      realm.searchParams.set('service', p['service'] ?? '');
      realm.searchParams.set('scope', p['scope'] ?? '');
      const { token } = (await (await fetch(realm)).json()) as { token: string };
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        access: unknown;
      };
      expect(claims.access).toEqual([
        { type: 'repository', name: 'users/numeric', actions: ['pull'] },
      ]);
      const push = await fetch(upload, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(push.status).toBe(401);
      expect(push.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    });

    it('the token server answers wrong credentials with 401 and records the user', async () => {
      const r = await fetch(`${reg.tokenRealm ?? ''}?service=x`, {
        headers: { Authorization: `Basic ${Buffer.from('pusher:wrong').toString('base64')}` },
      });
      expect(r.status).toBe(401);
      expect(reg.tokenRequests.at(-1)).toEqual({ user: 'pusher', scopes: [], status: 401 });
    });
  }
});
