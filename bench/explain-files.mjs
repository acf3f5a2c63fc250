// Benchmark: `explain -A -f DIR --offline` (table and `-o json`) over generated trees of 2,000,
// 20,000 and 100,000 movers (10 per namespace), against a peer that only parses the same files
// with the YAML parser the tool uses (js-yaml), so the ratio separates our cost from the parse
// floor. Targets at 20,000 movers (issue 20): <= 1.5 s wall, <= 300 MiB peak RSS, <= 2x the peer,
// for table and JSON alike; cost linear in movers (the curve). Runs are interleaved, one of each
// scenario in turn, so a busy machine slows them alike.
// A benchmark, not a test: exits 0 on a missed target, 1 only when a child fails.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateMovers } from './generate-movers.mjs';

const MOVERS = 10;
// [namespaces, runs, unique]: the largest tree is run once, it takes a minute. The trees stamp the
// same ten movers into every namespace, as a template does; the last gives each mover a name of
// its own, so that no two share a shape (src/core/report/mover-shapes.ts): the hand-written case.
const SIZES = [
  [200, Number(process.env.BENCH_RUNS ?? 3), false],
  [2000, Number(process.env.BENCH_RUNS ?? 3), false],
  [10000, 1, false],
  [2000, Number(process.env.BENCH_RUNS ?? 3), true],
];
const TARGET = { ms: 1500, mib: 300, peer: 2, at: 20000 };

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'kubectl-volsync_perms');
const yamlPkg = join(root, 'node_modules', 'js-yaml', 'package.json');
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);

// Stringifying per file to /dev/null: the peer is the floor of reading, it keeps nothing.
const PEER = `
import { createRequire } from 'node:module';
import { openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
const { loadAll } = createRequire(${JSON.stringify(yamlPkg)})('js-yaml');
const out = openSync('/dev/null', 'w');
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\\.(ya?ml|json)$/.test(e.name)) {
      writeSync(out, JSON.stringify(loadAll(readFileSync(p, 'utf8'))));
    }
  }
};
walk(process.argv[1]);
`;

// Without GNU time, the child reports its own peak: KiB, like %M, as the last stderr line.
const RSS_HOOK = `process.on('exit', () => process.stderr.write('\\n' + process.resourceUsage().maxRSS + '\\n'));`;

const OUTPUTS = { table: [], json: ['-o', 'json'] };

function argvFor(scenario, dir) {
  const mod = ['--input-type=module', '-e'];
  if (scenario === 'peer') return [...mod, hasTime ? PEER : RSS_HOOK + PEER, '--', dir];
  // --offline: the figure is reading and resolving, not reaching public registries
  const cliArgs = ['explain', '-A', '-f', dir, '--offline', ...OUTPUTS[scenario]];
  if (hasTime) return [cli, ...cliArgs];
  const run = `${RSS_HOOK} await import(${JSON.stringify(pathToFileURL(cli).href)});`;
  return [...mod, run, '--', cli, ...cliArgs];
}

function runOnce(args, keepStdout) {
  const [cmd, argv] = hasTime
    ? [TIME, ['-f', '%M', process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (c) => {
      bytes += c.length;
      if (keepStdout) chunks.push(c);
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const what = `${argv.slice(0, 6).join(' ')}... exited ${code ?? signal}`;
      if (code !== 0) return reject(new Error(`${what}\n${stderr}`));
      const kib = Number(stderr.trim().split('\n').pop());
      resolve({ ms, mib: kib / 1024, bytes, stdout: keepStdout ? Buffer.concat(chunks) : null });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measureTree(dir, namespaces, runs) {
  const got = { table: [], json: [], peer: [] };
  for (let r = 0; r < runs; r++)
    for (const scenario of Object.keys(got)) {
      // the subject count is checked where the JSON is small enough to hold (680 MiB at 100k)
      const check = scenario === 'json' && r === 0 && namespaces * MOVERS <= TARGET.at;
      const res = await runOnce(argvFor(scenario, dir), check);
      if (res.stdout) {
        const n = JSON.parse(res.stdout.toString('utf8')).subjects?.length;
        const want = namespaces * MOVERS;
        if (n !== want) throw new Error(`explain reported ${n} subjects, want ${want}`);
      }
      got[scenario].push(res);
    }
  const pick = (xs, k) => median(xs.map((r) => r[k]));
  return Object.fromEntries(
    Object.entries(got).map(([k, xs]) => [
      k,
      { ms: pick(xs, 'ms'), mib: pick(xs, 'mib'), bytes: xs[0].bytes },
    ]),
  );
}

const fmt = (x, d = 0) => x.toFixed(d);
const cols = (cells) => cells.map((c, i) => String(c).padStart(i === 0 ? 7 : 9)).join('');

const rss = hasTime ? '/usr/bin/time %M' : 'resourceUsage().maxRSS';
console.log(
  `explain -A -f TREE --offline; ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, load ${loadavg()[0].toFixed(2)}; peak RSS via ${rss}; median of the runs shown`,
);
console.log(
  cols([
    'movers',
    'runs',
    'table ms',
    'MiB',
    'json ms',
    'MiB',
    'peer ms',
    'MiB',
    'tbl/peer',
    'json/peer',
    'json out',
  ]),
);
const rows = [];
let current;
process.on('SIGINT', () => {
  if (current) rmSync(current, { recursive: true, force: true });
  process.exit(130);
});
try {
  for (const [namespaces, runs, unique] of SIZES) {
    const dir = (current = mkdtempSync(join(tmpdir(), 'volsync-perms-bench-')));
    try {
      generateMovers(dir, namespaces, MOVERS, { unique });
      const m = await measureTree(dir, namespaces, runs);
      const movers = namespaces * MOVERS;
      rows.push({ movers, unique, ...m });
      console.log(
        cols([
          unique ? `${movers}u` : movers,
          runs,
          fmt(m.table.ms),
          fmt(m.table.mib),
          fmt(m.json.ms),
          fmt(m.json.mib),
          fmt(m.peer.ms),
          fmt(m.peer.mib),
          fmt(m.table.ms / m.peer.ms, 2),
          fmt(m.json.ms / m.peer.ms, 2),
          `${fmt(m.json.bytes / 2 ** 20)}M`,
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('(u: every mover a name of its own, so no two share a shape)');
  const perMover = (r, k) => (r[k].ms * 1000) / r.movers;
  const curve = rows.filter((r) => !r.unique);
  const [, mid, big] = curve;
  for (const k of ['table', 'json'])
    console.log(
      `linear: ${k} µs per mover ${curve.map((r) => fmt(perMover(r, k), 1)).join(' / ')} at ${curve.map((r) => r.movers).join(' / ')} (100k/20k ${fmt(perMover(big, k) / perMover(mid, k), 2)})`,
    );
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  for (const row of rows.filter((r) => r.movers === TARGET.at))
    for (const k of ['table', 'json']) {
      const r = row[k];
      const what = `${TARGET.at}${row.unique ? ' one-of-a-kind' : ''} movers, ${k.padEnd(5)}`;
      console.log(
        `target at ${what}: wall ${fmt(r.ms)} ms <= ${TARGET.ms} ${verdict(r.ms <= TARGET.ms)}; RSS ${fmt(r.mib)} MiB <= ${TARGET.mib} ${verdict(r.mib <= TARGET.mib)}; ${fmt(r.ms / row.peer.ms, 2)}x peer <= ${TARGET.peer} ${verdict(r.ms / row.peer.ms <= TARGET.peer)}`,
      );
    }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
