// Benchmark (npm run bench, not a test): serve watching 2,000 namespaces x 10 movers on a real
// kube-apiserver. Peak RSS once every mover is in the metrics (target <= 300 MiB), and, for one
// namespace's change (its privileged-movers annotation toggled), the time from the event
// arriving to the metrics reflecting it (volsync_perms_reflect_seconds; target <= 100 ms), with
// the time from the write to the series changing beside it (the watch's delivery included). Then
// the same with every namespace on one NFS export, where the namespaces resolve as one group.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { resolveAssets, startControlPlane } from '../test/integration/harness/control-plane.js';
import {
  applyObject,
  applyYaml,
  kubeconfigPath,
  writeKubeconfig,
} from '../test/integration/harness/kube-api.js';
import { pool, seedMovers } from './cluster-seed.js';

const NAMESPACES = 2000;
const MOVERS = 10;
const CHANGES = 9;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const cp = await startControlPlane(resolveAssets());
try {
  await applyYaml(cp, readFileSync('test/fixtures/crds/volsync.yaml', 'utf8'));
  await applyYaml(cp, readFileSync('test/fixtures/cluster/volsync-controller.yaml', 'utf8'));
  await new Promise((r) => setTimeout(r, 2000));
  console.log(
    `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`,
  );
  const names = await seedMovers(cp, NAMESPACES, MOVERS);
  const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'serve'), [cp.users.admin], 'admin');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['dist/kubectl-volsync_perms', 'serve', '--listen', '127.0.0.1:0', '--offline'],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, XDG_CACHE_HOME: join(cp.dir, 'cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving (http:\/\/[\d.:]+)\/metrics/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', () => {
      reject(new Error(err));
    });
  });
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  const value = (body: string, name: string) =>
    Number(new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(body)?.[1] ?? NaN);
  while (value(await metrics(), 'volsync_perms_subjects') < NAMESPACES * MOVERS)
    await new Promise((r) => setTimeout(r, 1000));
  const ready = performance.now() - started;
  const settled = await metrics();
  const mib = (name: string) => (value(settled, name) / 2 ** 20).toFixed(0);
  const spaces = [
    ...settled.matchAll(
      /^volsync_perms_nodejs_heap_space_size_used_bytes\{space="(\w+)"\} ([\d.e+]+)$/gm,
    ),
  ]
    .map((m) => `${m[1] ?? ''} ${(Number(m[2]) / 2 ** 20).toFixed(0)}`)
    .join(', ');
  const hwm = () =>
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'))?.[1]) /
    1024;
  const settledPeak = hwm();
  /** Toggles one namespace's annotation CHANGES times: event-to-metrics and write-to-visible medians. */
  const changes = async (ns: string) => {
    const reflect: number[] = [];
    const visible: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const privileged = i % 2 === 0;
      const before = await metrics();
      const sum = value(before, 'volsync_perms_reflect_seconds_sum');
      const count = value(before, 'volsync_perms_reflect_seconds_count');
      const wrote = performance.now();
      await applyObject(cp, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns,
          ...(privileged && { annotations: { 'volsync.backube/privileged-movers': 'true' } }),
        },
      } as never);
      for (;;) {
        const body = await metrics();
        const shown = body
          .split('\n')
          .some(
            (l) =>
              l.startsWith('volsync_perms_mover_info{') &&
              l.includes(`namespace="${ns}"`) &&
              l.includes(privileged ? 'uid="0"' : 'uid="1000"'),
          );
        if (shown && value(body, 'volsync_perms_reflect_seconds_count') > count) {
          visible.push(performance.now() - wrote);
          const n = value(body, 'volsync_perms_reflect_seconds_count') - count;
          reflect.push(((value(body, 'volsync_perms_reflect_seconds_sum') - sum) / n) * 1000);
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    return { reflect: median(reflect), visible: median(visible) };
  };
  const secret = await changes(names[1] ?? 'ns-0001');
  const rssSecret = hwm();
  // then every namespace gets a claim on one NFS export: their movers' findings span namespaces,
  // and they resolve as one group
  await pool(names, 16, async (n) => {
    await applyObject(cp, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `pv-${n}` },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteMany'],
        nfs: { server: 'nas.example', path: '/export' },
        claimRef: { namespace: n, name: 'data' },
      },
    } as never);
    await applyObject(cp, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: n },
      spec: {
        accessModes: ['ReadWriteMany'],
        resources: { requests: { storage: '1Gi' } },
        volumeName: `pv-${n}`,
      },
    } as never);
  });
  const nfs = await changes(names[2] ?? 'ns-0002');
  const rss = hwm();
  child.kill('SIGTERM');
  // the peer: kubectl reading the same movers once, on the same server (GNU time gives its peak RSS)
  const peer = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %M',
      'kubectl',
      'get',
      'replicationsources,replicationdestinations',
      '-A',
      '-o',
      'json',
    ],
    { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const [peerSeconds = NaN, peerKib = NaN] = (peer.stderr.trim().split('\n').at(-1) ?? '')
    .split(' ')
    .map(Number);
  console.log(
    `serve, ${NAMESPACES * MOVERS} movers watched (${new Date().toISOString().slice(0, 10)}):`,
  );
  console.log(
    `  first list to every mover in the metrics: ${(ready / 1000).toFixed(1)} s; peer \`kubectl get replicationsources,replicationdestinations -A -o json\`: ${peerSeconds.toFixed(1)} s, ${(peerKib / 1024).toFixed(0)} MiB peak RSS (serve: ${(ready / 1000 / peerSeconds).toFixed(1)}x the time, ${(rssSecret / (peerKib / 1024)).toFixed(1)}x the memory)`,
  );
  console.log(
    `  peak RSS: ${rssSecret.toFixed(0)} MiB (target <= 300 MiB: ${rssSecret <= 300 ? 'met' : 'missed'}); ${settledPeak.toFixed(0)} MiB once every mover is in, then RSS ${mib('volsync_perms_process_resident_memory_bytes')} MiB, heap used ${mib('volsync_perms_nodejs_heap_size_used_bytes')} of ${mib('volsync_perms_nodejs_heap_size_total_bytes')} MiB (${spaces}), external ${mib('volsync_perms_nodejs_external_memory_bytes')} MiB`,
  );
  const r = secret.reflect;
  console.log(
    `  one namespace's change, event to metrics: median ${r.toFixed(1)} ms of ${CHANGES} (target <= 100 ms: ${r <= 100 ? 'met' : 'missed'}); write to series visible: median ${secret.visible.toFixed(0)} ms`,
  );
  console.log(
    `  every namespace on one NFS export (one group): a change, event to metrics: median ${nfs.reflect.toFixed(0)} ms (no target: the group resolves again); write to series visible: median ${nfs.visible.toFixed(0)} ms; peak RSS ${rss.toFixed(0)} MiB (${rssSecret.toFixed(0)} MiB before)`,
  );
} finally {
  await cp.stop();
}
