// Benchmark: the fix-job repair script on about 100,000 files, against its peers on the same tree:
// `chown -R` (what the hand-written migration Jobs run) when every file changes, and
// `find DIR -xdev ! -user U` (the walk that only looks) when none does. Targets (issue 20): within
// 3x of chown -R, within 2x of find. Two trees: 100 directories of 1,000 files, and a kopia-like
// one (16 x 256 shard directories of 25 blobs), where most batches hold directories. The careful
// walk (FIX_WALK=careful: what runs where a filesystem is mounted inside the volume) is timed too.
// Runs as root (chown); the cases run interleaved, median of BENCH_RUNS (default 3).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'src', 'core', 'plans', 'fix-ownership.sh');
// the tally walk a chown repair is given as $1 (the Job's command): the audit's
const walk = readFileSync(join(root, 'src', 'core', 'storage', 'audit-walk.pl'), 'utf8');
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
if (process.getuid?.() !== 0) {
  console.log('fix-ownership bench: skipped (needs root to chown)');
  process.exit(0);
}

const touch = (dir, n) =>
  execFileSync('sh', ['-c', 'cd "$1" && seq 1 "$2" | xargs touch', 'sh', dir, String(n)]);

const trees = {
  '100 dirs x 1,000 files': (volume) => {
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(volume, `d${d}`));
      touch(join(volume, `d${d}`), 1000);
    }
  },
  'kopia-like, 4,096 dirs x 25': (volume) => {
    for (let a = 0; a < 16; a++)
      for (let b = 0; b < 256; b++) {
        const dir = join(volume, 'p', a.toString(16), b.toString(16).padStart(3, '0'));
        mkdirSync(dir, { recursive: true });
        touch(dir, 25);
      }
  },
};

const time = (cmd, args, env = {}) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${r.stderr}`);
  return ms;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

console.log(
  `fix-ownership (${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}; median of ${runs}):`,
);
for (const [label, build] of Object.entries(trees)) {
  const dir = mkdtempSync(join(tmpdir(), 'vp-bench-fix-'));
  const volume = join(dir, 'volume');
  mkdirSync(volume);
  build(volume);
  const reset = () => execFileSync('chown', ['-R', '0:0', volume]);
  const repair = { FIX_ROOT: volume, TARGET_UID: '1000', TARGET_GID: '1000' };
  const careful = { ...repair, FIX_WALK: 'careful' };
  const t = { chown: [], all: [], find: [], none: [], carefulAll: [], carefulNone: [] };
  try {
    for (let i = 0; i < runs; i++) {
      reset();
      t.chown.push(time('chown', ['-R', '1000:1000', volume]));
      t.find.push(time('find', [volume, '-xdev', '!', '-user', '1000']));
      reset();
      t.all.push(time('bash', [script, walk], repair));
      t.none.push(time('bash', [script, walk], repair));
      if (i === 0) {
        reset();
        t.carefulAll.push(time('bash', [script, walk], careful));
        t.carefulNone.push(time('bash', [script, walk], careful));
      }
    }
    const [chown, all, find, none] = [t.chown, t.all, t.find, t.none].map(median);
    const ratio = (a, b) => `${(a / b).toFixed(1)}x`;
    console.log(`  ${label}:
    every file changes: repair ${s(all)}, chown -R ${s(chown)}: ${ratio(all, chown)} (target <= 3x); careful walk ${s(t.carefulAll[0])} (${ratio(t.carefulAll[0], chown)})
    none changes:       repair ${s(none)}, find -xdev ! -user ${s(find)}: ${ratio(none, find)} (target <= 2x); careful walk ${s(t.carefulNone[0])} (${ratio(t.carefulNone[0], find)})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
