// Startup: wall time of `kubectl volsync-perms version` and `explain --demo` run through the real
// kubectl, against `kubectl version --client` in the same script, as ratios (median of N runs).
// Measures the npm build (dist/, node shebang) and, when `npm run release` has built it, the
// standalone executable. Targets (issue 8): version <= 1.5x kubectl's, explain --demo <= 3x.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

const runs = Number(process.env['BENCH_RUNS'] ?? 15);

function median(cmd, args, env) {
  const times = [];
  for (let i = 0; i < runs + 3; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    if (i >= 3) times.push(ms); // warm-up runs fill the page cache and Node's compile cache
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** A PATH on which kubectl finds exactly this build as its volsync-perms plugin. */
function pathFor(executable) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  symlinkSync(executable, join(dir, 'kubectl-volsync_perms'));
  // the npm build's shebang runs the first node on PATH: the pinned one
  return [dir, dirname(process.execPath), process.env['PATH']].join(delimiter);
}

const base = { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent' };
const peer = median('kubectl', ['version', '--client'], base);
const builds = [['npm build (dist/)', resolve('dist/kubectl-volsync_perms')]];
const sea = resolve('release/linux-amd64/kubectl-volsync_perms');
if (process.platform === 'linux' && process.arch === 'x64' && existsSync(sea))
  builds.push(['standalone (release/)', sea]);

/** A plugin that does nothing: what kubectl's dispatch (and a runtime's start) cost by themselves. */
function emptyPlugin(text) {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-empty-')), 'plugin');
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return median('kubectl', ['volsync-perms'], { ...base, PATH: pathFor(file) });
}
const floorSh = emptyPlugin('#!/bin/sh\nexit 0\n');
const floorNode = emptyPlugin('#!/usr/bin/env node\n');

console.log(`startup, median of ${runs} runs (after 3 warm-up runs), through kubectl:`);
console.log(`  kubectl version --client: ${peer.toFixed(0)} ms (peer)`);
console.log(
  `  floors: kubectl running an empty sh plugin ${floorSh.toFixed(0)} ms = ${(floorSh / peer).toFixed(2)}x; an empty Node plugin ${floorNode.toFixed(0)} ms = ${(floorNode / peer).toFixed(2)}x`,
);
for (const [label, exe] of builds) {
  const env = { ...base, PATH: pathFor(exe) };
  const version = median('kubectl', ['volsync-perms', 'version'], env);
  const demo = median('kubectl', ['volsync-perms', 'explain', 'ns/default', '--demo'], env);
  console.log(
    `  ${label}: version ${version.toFixed(0)} ms = ${(version / peer).toFixed(2)}x (target <= 1.5x); ` +
      `explain --demo ${demo.toFixed(0)} ms = ${(demo / peer).toFixed(2)}x (target <= 3x)`,
  );
}
