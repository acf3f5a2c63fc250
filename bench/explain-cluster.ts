// Benchmark (npm run bench, not a test): explain against a real kube-apiserver, next to
// `kubectl get replicationsources,replicationdestinations -A -o json` on the same server in the
// same script. Targets: ratio <= 1.5 for one namespace, <= 2 for -A (issue 3).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolveAssets, startControlPlane } from '../test/integration/harness/control-plane.js';
import {
  applyObject,
  applyYaml,
  kubeconfigPath,
  writeKubeconfig,
} from '../test/integration/harness/kube-api.js';

const NAMESPACES = 2000;
const MOVERS = 10;
const RUNS = 3;

function mover(ns: string, i: number) {
  const source = i % 2 === 0;
  const name = `app-${i}`;
  const m = ['kopia', 'restic', 'rclone', 'rsyncTLS'][Math.floor(i / 2) % 4] ?? 'restic';
  const where =
    m === 'rclone'
      ? { rcloneConfig: `${name}-secret`, rcloneDestPath: `b/${name}` }
      : { repository: `${name}-secret` };
  const sc = { moverSecurityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 } };
  return {
    apiVersion: 'volsync.backube/v1alpha1',
    kind: source ? 'ReplicationSource' : 'ReplicationDestination',
    metadata: { name, namespace: ns },
    spec: source
      ? { sourcePVC: name, trigger: { schedule: '0 * * * *' }, [m]: { ...where, ...sc } }
      : { [m]: { ...where, ...sc, destinationPVC: name, copyMethod: 'Direct' } },
  };
}

async function pool<T>(items: T[], limit: number, f: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await f(items[next++] as T);
    }),
  );
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      else resolve({ ms: performance.now() - started, out: out + err });
    });
  });
}

async function median(f: () => Promise<{ ms: number; out: string }>) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await f());
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(RUNS / 2)] as { ms: number; out: string };
}

const assetsStarted = performance.now();
const cp = await startControlPlane(resolveAssets());
try {
  console.log(
    `control plane ready in ${((performance.now() - assetsStarted) / 1000).toFixed(1)} s`,
  );
  await applyYaml(cp, readFileSync('test/fixtures/crds/volsync.yaml', 'utf8'));
  await applyYaml(cp, readFileSync('test/fixtures/cluster/volsync-controller.yaml', 'utf8'));
  await new Promise((r) => setTimeout(r, 2000)); // CRDs established
  const seeded = performance.now();
  const names = Array.from({ length: NAMESPACES }, (_, n) => `ns-${String(n).padStart(4, '0')}`);
  await pool(names, 16, (ns) =>
    applyObject(cp, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never),
  );
  const movers = names.flatMap((ns) => Array.from({ length: MOVERS }, (_, i) => mover(ns, i)));
  await pool(movers, 16, (m) => applyObject(cp, m as never));
  console.log(
    `seeded ${NAMESPACES} ns x ${MOVERS} movers in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );

  const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'bench'), [cp.users.admin], 'admin');
  const env = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
  const cli = (args: string[]) =>
    run(process.execPath, ['dist/kubectl-volsync_perms', ...args], env);
  const peer = () =>
    run('kubectl', ['get', 'replicationsources,replicationdestinations', '-A', '-o', 'json'], env);
  await peer(); // warm the server's caches for both

  const rows: [string, { ms: number; out: string }, { ms: number; out: string }, number][] = [];
  const peerRun = await median(peer);
  // --offline: the figure is the API server reads, not reaching public registries
  const one = await median(() => cli(['explain', 'ns/ns-0001', '-v', '--offline']));
  rows.push(['explain ns/ns-0001 (10 movers)', one, peerRun, 1.5]);
  const all = await median(() => cli(['explain', '-A', '-v', '--offline']));
  rows.push([`explain -A (${NAMESPACES * MOVERS} movers)`, all, peerRun, 2]);

  console.log(
    `median of ${RUNS}; peer: kubectl get replicationsources,replicationdestinations -A -o json = ${peerRun.ms.toFixed(0)} ms`,
  );
  for (const [label, r, p, target] of rows) {
    const requests = [...r.out.matchAll(/^I (.+): (\d+) requests?/gm)].reduce(
      (n, m) => n + Number(m[2]),
      0,
    );
    const ratio = r.ms / p.ms;
    console.log(
      `${label.padEnd(36)} ${r.ms.toFixed(0).padStart(7)} ms  ratio ${ratio.toFixed(2)} (target <= ${target}: ${ratio <= target ? 'PASS' : 'MISS'})  ${requests} requests`,
    );
  }
} finally {
  await cp.stop();
}
