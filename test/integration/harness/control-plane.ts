import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';

/** A user of the test server: a bearer token accepted through --token-auth-file. */
export interface TestUser {
  name: string;
  token: string;
  groups: string[];
}

export interface ControlPlane {
  server: string;
  /** The serving certificate the API server generated, to verify TLS like a real kubeconfig. */
  caFile: string;
  users: Record<'admin' | 'reader', TestUser>;
  dir: string;
  stop(): Promise<void>;
}

/**
 * The test binaries: KUBEBUILDER_ASSETS (envtest's convention), else built once from the Go
 * module proxy by scripts/build-kube-assets.sh into a cache outside the repository.
 */
export function resolveAssets(env = process.env): string {
  if (env['KUBEBUILDER_ASSETS']) return env['KUBEBUILDER_ASSETS'];
  const r = spawnSync('bash', ['scripts/build-kube-assets.sh'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const dir = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !dir) throw new Error('scripts/build-kube-assets.sh failed (see above)');
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => {
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
  });
}

interface Started {
  child: ChildProcess;
  tail(): string;
}

function start(bin: string, args: string[]): Started {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr.on('data', (b: Buffer) => {
    tail = (tail + b.toString()).slice(-4000);
  });
  return { child, tail: () => tail };
}

async function waitReady(server: string, token: string, caFile: string, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = request(
        `${server}/readyz`,
        { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', () => {
        resolve(false);
      });
      req.end();
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`kube-apiserver not ready after ${ms} ms (${caFile})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts etcd and kube-apiserver on free loopback ports, RBAC and Pod Security on, as envtest does;
 * `extraArgs` shape the server (e.g. an API turned off with --runtime-config).
 */
export async function startControlPlane(
  assets: string,
  extraArgs: string[] = [],
): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'volsync-perms-kube-'));
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcd = start(join(assets, 'etcd'), [
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    '--unsafe-no-fsync',
  ]);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const users = {
    admin: { name: 'admin', token: 'admin-token', groups: ['system:masters'] },
    reader: { name: 'reader', token: 'reader-token', groups: ['volsync-readers'] },
  };
  writeFileSync(
    join(dir, 'tokens.csv'),
    Object.values(users)
      .map((u) => `${u.token},${u.name},${u.name},"${u.groups.join(',')}"`)
      .join('\n') + '\n',
  );
  const certDir = join(dir, 'certs');
  const apiserver = start(join(assets, 'kube-apiserver'), [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${certDir}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://127.0.0.1:${apiPort}`,
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    ...extraArgs,
  ]);
  const server = `https://127.0.0.1:${apiPort}`;
  const caFile = join(certDir, 'apiserver.crt');
  const stop = async () => {
    for (const { child } of [apiserver, etcd]) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(server, users.admin.token, caFile, 60_000);
  } catch (e) {
    const logs = `etcd:\n${etcd.tail()}\nkube-apiserver:\n${apiserver.tail()}`;
    await stop();
    throw new Error(`${(e as Error).message}\n${logs}`);
  }
  return { server, caFile, users, dir, stop };
}
