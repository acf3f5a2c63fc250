import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../../integration/harness/control-plane.js';
import {
  adminRequest,
  applyYaml,
  kubeconfigPath,
  writeKubeconfig,
  type ApiServer,
} from '../../integration/harness/kube-api.js';
import { oracleImages } from '../images.js';
import type { OracleVersion } from '../versions.js';

/** A built controller: the manager binary and the CRDs it needs to start. */
export interface VolsyncBuild {
  manager: string;
  crds: string;
  /** Seconds the build took here (0 on a cache hit), for the closing figures. */
  seconds: number;
}

/**
 * The controller of one version: `VOLSYNC_BIN` (a manager binary, with its CRDs in
 * `VOLSYNC_CRDS`) when it names this version in `VOLSYNC_BIN_VERSION`, else built once by
 * scripts/build-volsync.sh into a cache keyed by the archive's sha256.
 */
export function resolveVolsync(v: OracleVersion, env = process.env): VolsyncBuild {
  const bin = env['VOLSYNC_BIN'];
  if (bin && env['VOLSYNC_BIN_VERSION'] === v.id) {
    const crds = env['VOLSYNC_CRDS'];
    if (!crds) throw new Error('VOLSYNC_BIN needs VOLSYNC_CRDS: the directory of its CRDs');
    return { manager: bin, crds, seconds: 0 };
  }
  const started = performance.now();
  const r = spawnSync('bash', ['scripts/build-volsync.sh', v.archive], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const dir = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !dir)
    throw new Error(`scripts/build-volsync.sh ${v.archive} failed (see above)`);
  const seconds = (performance.now() - started) / 1000;
  return {
    manager: join(dir, 'manager'),
    crds: join(dir, 'crds'),
    seconds: seconds > 2 ? seconds : 0,
  };
}

/** Installs VolSync's CRDs and the VolumeSnapshot CRDs, and waits until they are served. */
export async function installCrds(cp: ApiServer, build: VolsyncBuild): Promise<void> {
  const files = readdirSync(build.crds)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  for (const f of files) await applyYaml(cp, readFileSync(join(build.crds, f), 'utf8'));
  const until = Date.now() + 60_000;
  for (;;) {
    const r = await adminRequest(
      cp,
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    );
    const items = (
      JSON.parse(r.body) as {
        items: { status?: { conditions?: { type: string; status: string }[] } }[];
      }
    ).items;
    const established = items.every((c) =>
      (c.status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True'),
    );
    if (established) return;
    if (Date.now() > until) throw new Error('the CRDs were not established within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const controllerNamespace = 'volsync-system';

export interface RunningController {
  stop(): Promise<void>;
  tail(): string;
}

async function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => {
      resolve(false);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * Runs the manager against the test API server as the admin, without leader election or
 * metrics, its mover images from RELATED_IMAGE_* (as the operator bundle gives them; the
 * oracle's distinct ones unless `images` says others), and waits
 * for its readiness probe.
 */
export async function startVolsync(
  cp: ApiServer,
  build: VolsyncBuild,
  images: typeof oracleImages = oracleImages,
): Promise<RunningController> {
  if (!existsSync(build.manager)) throw new Error(`no VolSync manager at ${build.manager}`);
  await applyYaml(
    cp,
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${controllerNamespace}}\n`,
  );
  const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'volsync'), [cp.users.admin], 'admin');
  const port = await freePort();
  const child: ChildProcess = spawn(
    build.manager,
    [
      '--leader-elect=false',
      '--metrics-bind-address=0',
      `--health-probe-bind-address=127.0.0.1:${port}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: cp.dir,
        KUBECONFIG: kubeconfig,
        VOLSYNC_NAMESPACE: controllerNamespace,
        POD_NAMESPACE: controllerNamespace,
        RELATED_IMAGE_RESTIC_CONTAINER: images.restic,
        RELATED_IMAGE_RCLONE_CONTAINER: images.rclone,
        RELATED_IMAGE_RSYNC_CONTAINER: images.rsync,
        RELATED_IMAGE_RSYNC_TLS_CONTAINER: images['rsync-tls'],
        RELATED_IMAGE_SYNCTHING_CONTAINER: images.syncthing,
        RELATED_IMAGE_KOPIA_CONTAINER: images.kopia,
      },
    },
  );
  let tail = '';
  child.stderr?.on('data', (b: Buffer) => {
    tail = (tail + b.toString()).slice(-8000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  const until = Date.now() + 60_000;
  while (!(await healthy(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`the VolSync manager did not become ready:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { stop, tail: () => tail };
}
