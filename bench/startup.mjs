// Startup: wall time of `kubectl volsync-perms version` and `explain --demo` run through the real
// kubectl, against `kubectl version --client` in the same script, as ratios (median of N runs).
// Measures the npm build (dist/, node shebang) and, when `npm run release` has built it, the
// standalone executable. Targets (issue 8): version <= 1.5x kubectl's, explain --demo <= 3x.
// The cases run interleaved, one run of each in turn, so a busy machine slows them all alike.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

const runs = Number(process.env['BENCH_RUNS'] ?? 15);
const base = { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent' };

/** A PATH on which kubectl finds exactly this executable as its volsync-perms plugin. */
function pathFor(executable) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  symlinkSync(executable, join(dir, 'kubectl-volsync_perms'));
  // the npm build's shebang runs the first node on PATH: the pinned one
  return [dir, dirname(process.execPath), process.env['PATH']].join(delimiter);
}

/** A plugin that does nothing: what kubectl's dispatch (and a runtime's start) cost by themselves. */
function emptyPlugin(text) {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-empty-')), 'plugin');
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return { ...base, PATH: pathFor(file) };
}

const cases = new Map([
  ['peer', ['kubectl', ['version', '--client'], base]],
  ['floor sh', ['kubectl', ['volsync-perms'], emptyPlugin('#!/bin/sh\nexit 0\n')]],
  ['floor node', ['kubectl', ['volsync-perms'], emptyPlugin('#!/usr/bin/env node\n')]],
]);
const builds = [['npm build (dist/)', resolve('dist/kubectl-volsync_perms')]];
const sea = resolve('release/linux-amd64/kubectl-volsync_perms');
if (process.platform === 'linux' && process.arch === 'x64' && existsSync(sea))
  builds.push(['standalone (release/)', sea]);
for (const [label, exe] of builds) {
  const env = { ...base, PATH: pathFor(exe) };
  cases.set(`${label} version`, ['kubectl', ['volsync-perms', 'version'], env]);
  cases.set(`${label} demo`, [
    'kubectl',
    ['volsync-perms', 'explain', 'ns/default', '--demo'],
    env,
  ]);
}

const times = new Map([...cases.keys()].map((k) => [k, []]));
for (let i = 0; i < runs + 3; i++)
  for (const [key, [cmd, args, env]] of cases) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    if (i >= 3) times.get(key).push(ms); // warm-up runs fill the page cache and Node's compile cache
  }
const median = (key) => {
  const t = [...times.get(key)].sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
};
const peer = median('peer');
const show = (key) => `${median(key).toFixed(0)} ms = ${(median(key) / peer).toFixed(2)}x`;

console.log(`startup, median of ${runs} interleaved runs (after 3 warm-up runs), through kubectl:`);
console.log(`  kubectl version --client: ${peer.toFixed(0)} ms (peer)`);
console.log(
  `  floors: kubectl running an empty sh plugin ${show('floor sh')}; an empty Node plugin ${show('floor node')}`,
);
for (const [label] of builds)
  console.log(
    `  ${label}: version ${show(`${label} version`)} (target <= 1.5x); explain --demo ${show(`${label} demo`)} (target <= 3x)`,
  );
