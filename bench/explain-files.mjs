// Benchmark: `explain -A -f DIR` (table, the target) and `-o json` on 2,000 namespaces x 10
// movers, against a peer that only parses the same files with the YAML parser the tool uses
// (js-yaml), so the ratio separates our cost from the parse floor.
// A benchmark, not a test: exits 0 on a missed target, 1 only when a child fails.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateMovers } from './generate-movers.mjs';

const NAMESPACES = 2000;
const MOVERS = 10;
const RUNS = 3;
const TARGET_MS = 3000;
const TARGET_MIB = 400;

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

async function measure(scenario, dir) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const res = await runOnce(argvFor(scenario, dir), scenario === 'json' && r === 0);
    if (res.stdout) {
      const n = JSON.parse(res.stdout.toString('utf8')).subjects?.length;
      const want = NAMESPACES * MOVERS;
      if (n !== want) throw new Error(`explain reported ${n} subjects, want ${want}`);
    }
    runs.push(res);
  }
  const pick = (k) => median(runs.map((r) => r[k]));
  return { ms: pick('ms'), mib: pick('mib'), bytes: runs[0].bytes };
}

const dir = mkdtempSync(join(tmpdir(), 'volsync-perms-bench-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true });
process.on('SIGINT', () => (cleanup(), process.exit(130)));
try {
  generateMovers(dir, NAMESPACES, MOVERS);
  const table = await measure('table', dir);
  const json = await measure('json', dir);
  const peer = await measure('peer', dir);
  const row = (label, a, b, d = 0) =>
    console.log(label.padEnd(34) + [a, b].map((x) => x.toFixed(d).padStart(10)).join(''));
  const rss = hasTime ? '/usr/bin/time %M' : 'resourceUsage().maxRSS';
  console.log(`${NAMESPACES} ns x ${MOVERS} movers, median of ${RUNS}; peak RSS via ${rss}`);
  console.log('scenario'.padEnd(34) + 'wall ms'.padStart(10) + 'RSS MiB'.padStart(10));
  row('explain -A (table)', table.ms, table.mib);
  row('explain -A -o json', json.ms, json.mib);
  row('peer: js-yaml loadAll + stringify', peer.ms, peer.mib);
  row('ratio table/peer', table.ms / peer.ms, table.mib / peer.mib, 2);
  row('ratio json/peer', json.ms / peer.ms, json.mib / peer.mib, 2);
  console.log(`explain -o json stdout: ${(json.bytes / 2 ** 20).toFixed(1)} MiB`);
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  console.log(`target explain -A wall < ${TARGET_MS} ms: ${verdict(table.ms < TARGET_MS)}`);
  console.log(`target explain -A RSS  < ${TARGET_MIB} MiB: ${verdict(table.mib < TARGET_MIB)}`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  cleanup();
}
