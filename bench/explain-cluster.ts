// Benchmark (npm run bench, not a test): explain against a real kube-apiserver, next to `kubectl
// get` on the same server in the same script. First the incident's five movers (the demo's
// objects, their images served by a real registry on loopback): `explain ns/default` with a warm
// image cache (target <= 1.5x `kubectl get replicationsources -n default -o json`), with a cold
// one (<= 2x), and --offline; then 2,000 namespaces x 10 movers: one namespace (<= 1.5x) and -A
// (<= 2x) against `kubectl get replicationsources,replicationdestinations -A -o json` (issue 3).
// Runs are interleaved, one of each in turn, so a busy machine slows them alike.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoManifests } from '../src/adapters/manifests/demo-manifests.js';
import { resolveAssets, startControlPlane } from '../test/integration/harness/control-plane.js';
import { pushImage } from '../test/integration/harness/images.js';
import {
  applyYaml,
  kubeconfigPath,
  writeKubeconfig,
} from '../test/integration/harness/kube-api.js';
import { resolveRegistryTools, startRegistry } from '../test/integration/harness/registry.js';
import { seedMovers } from './cluster-seed.js';
import { delayProxy } from './delay-proxy.js';

const NAMESPACES = 2000;
const MOVERS = 10;
const RUNS = 3;

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

type Run = { ms: number; out: string };

/** Each case once per round, RUNS rounds; the median of each. */
async function interleaved<K extends string>(cases: Record<K, () => Promise<Run>>) {
  const got = new Map<K, Run[]>();
  for (let i = 0; i < RUNS; i++)
    for (const [k, f] of Object.entries(cases) as [K, () => Promise<Run>][])
      got.set(k, [...(got.get(k) ?? []), await f()]);
  const middle = (runs: Run[]) => [...runs].sort((a, b) => a.ms - b.ms)[runs.length >> 1] as Run;
  return Object.fromEntries([...got].map(([k, runs]) => [k, middle(runs)])) as Record<K, Run>;
}

const median = async (f: () => Promise<Run>) => (await interleaved({ only: f })).only;

/** The requests `-v` counted, by what was asked: `list pods: 1`. */
function requestsOf(out: string): { total: number; each: string[] } {
  const each = [...out.matchAll(/^I (.+): (\d+) requests?/gm)].map((m) => ({
    what: m[1] ?? '',
    n: Number(m[2]),
  }));
  const api = each.filter((r) => r.what !== 'registry');
  return {
    total: api.reduce((n, r) => n + r.n, 0),
    each: api.map((r) => `${r.what.replace(/^(list|get) /, '')} ${r.n}`),
  };
}

const registryOf = /\b(?:ghcr\.io|quay\.io|lscr\.io)\//g;

/**
 * The incident's objects on the server, every image moved to the test registry (a tiny image
 * each: the registry is really read, the answer is not the point); the timed runs.
 */
async function incident(cp: Awaited<ReturnType<typeof startControlPlane>>, kubeconfig: string) {
  const reg = await startRegistry(await resolveRegistryTools(), 'none');
  try {
    const manifests = demoManifests.replace(registryOf, `${reg.host}/`);
    const images = new Set(
      [...manifests.matchAll(new RegExp(`${reg.host}/[^\\s'"]+`, 'g'))].map((m) => m[0]),
    );
    for (const ref of images) {
      const [repo = '', tag = 'latest'] = ref.slice(reg.host.length + 1).split(':');
      await pushImage(reg, repo, tag, {
        config: { User: '' },
        layers: [{ files: [{ path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\n' }] }],
      });
    }
    await applyYaml(cp, manifests);
    const env = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
    const caches: string[] = [];
    const cacheDir = () => {
      caches.push(mkdtempSync(join(tmpdir(), 'bench-cache-')));
      return caches[caches.length - 1] as string;
    };
    const warmCache = cacheDir();
    const cli = (args: string[], cache: string) =>
      run(process.execPath, ['dist/kubectl-volsync_perms', ...args], {
        ...env,
        XDG_CACHE_HOME: cache,
      });
    const one = ['explain', 'ns/default', '-v'];
    await cli(one, warmCache); // fills the warm cache
    const r = await interleaved({
      peer: () => run('kubectl', ['get', 'replicationsources', '-n', 'default', '-o', 'json'], env),
      warm: () => cli(one, warmCache),
      cold: () => cli(one, cacheDir()),
      offline: () => cli([...one, '--offline'], warmCache),
    });
    const peer = r.peer;
    console.log(
      `the incident's five movers (demo objects, images on a loopback registry), median of ${RUNS}; peer: kubectl get replicationsources -n default -o json = ${peer.ms.toFixed(0)} ms`,
    );
    const rows: [string, 'warm' | 'cold' | 'offline', number][] = [
      ['explain ns/default, warm image cache', 'warm', 1.5],
      ['explain ns/default, cold image cache', 'cold', 2],
      ['explain ns/default --offline', 'offline', 1.5],
    ];
    for (const [label, k, target] of rows) {
      const x = r[k];
      const ratio = x.ms / peer.ms;
      const registry = /^I registry: (\d+) requests/m.exec(x.out)?.[1] ?? '0';
      console.log(
        `${label.padEnd(38)} ${x.ms.toFixed(0).padStart(6)} ms  ratio ${ratio.toFixed(2)} (target <= ${target}: ${ratio <= target ? 'PASS' : 'MISS'})  ${requestsOf(x.out).total} API + ${registry} registry requests`,
      );
    }
    console.log(`  API requests of one run: ${requestsOf(r.warm.out).each.join(', ')}`);
    // loopback has no round trip; a cluster across a network has one per round of requests
    const proxy = await delayProxy(Number(new URL(cp.server).port), 5);
    try {
      const far = {
        ...env,
        KUBECONFIG: writeKubeconfig(
          cp,
          kubeconfigPath(cp, 'far'),
          [cp.users.admin],
          'admin',
          `https://127.0.0.1:${proxy.port}`,
        ),
        XDG_CACHE_HOME: warmCache,
      };
      const farPeer = () =>
        run('kubectl', ['get', 'replicationsources', '-n', 'default', '-o', 'json'], far);
      const farCli = () =>
        run(process.execPath, ['dist/kubectl-volsync_perms', ...one, '--offline'], far);
      await farPeer(); // kubectl's discovery cache is per server address
      await farCli();
      const f = await interleaved({ peer: farPeer, offline: farCli });
      const ratio = f.offline.ms / f.peer.ms;
      console.log(
        `through a 10 ms round trip (bench/delay-proxy.ts), median of ${RUNS}: explain ns/default --offline ${f.offline.ms.toFixed(0)} ms, kubectl get ${f.peer.ms.toFixed(0)} ms: ratio ${ratio.toFixed(2)} (target <= 1.5: ${ratio <= 1.5 ? 'PASS' : 'MISS'})`,
      );
    } finally {
      proxy.close();
    }
    for (const c of caches) rmSync(c, { recursive: true, force: true });
  } finally {
    await reg.stop();
  }
}

const assetsStarted = performance.now();
const cp = await startControlPlane(resolveAssets());
try {
  console.log(
    `control plane ready in ${((performance.now() - assetsStarted) / 1000).toFixed(1)} s`,
  );
  await applyYaml(cp, readFileSync('test/fixtures/crds/volsync.yaml', 'utf8'));
  await applyYaml(cp, readFileSync('test/fixtures/cluster/volsync-controller.yaml', 'utf8'));
  // the demo has a kopiur namespace
  const kopiurCrds = 'test/fixtures/crds/kopiur';
  for (const f of readdirSync(kopiurCrds).filter((x) => x.endsWith('.yaml')))
    await applyYaml(cp, readFileSync(join(kopiurCrds, f), 'utf8'));
  await new Promise((r) => setTimeout(r, 2000)); // CRDs established
  console.log(
    `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`,
  );
  await incident(
    cp,
    writeKubeconfig(cp, kubeconfigPath(cp, 'incident'), [cp.users.admin], 'admin'),
  );
  await seedMovers(cp, NAMESPACES, MOVERS);

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
