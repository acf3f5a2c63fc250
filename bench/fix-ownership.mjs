// Benchmark: the fix-job repair script on 100,000 files (100 directories x 1,000), against
// `chown -R` on the same tree as the peer (what the hand-written migration Jobs run). The script
// does more: it changes only what differs, stays on one filesystem, puts setuid bits back and
// counts; the ratio says what that costs. Runs as root (chown); a benchmark, not a test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'src', 'core', 'plans', 'fix-ownership.sh');
if (process.getuid?.() !== 0) {
  console.log('fix-ownership bench: skipped (needs root to chown)');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'vp-bench-fix-'));
const volume = join(dir, 'volume');
mkdirSync(volume);
for (let d = 0; d < 100; d++) {
  const sub = join(volume, `d${d}`);
  mkdirSync(sub);
  execFileSync('sh', ['-c', 'cd "$1" && seq 1 1000 | xargs touch', 'sh', sub]);
}

const timed = (label, cmd, args, env = {}) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  return ms;
};
const reset = () => execFileSync('chown', ['-R', '0:0', volume]);
const repair = { FIX_ROOT: volume, TARGET_UID: '1000', TARGET_GID: '1000' };

try {
  reset();
  const peer = timed('chown -R', 'chown', ['-R', '1000:1000', volume]);
  reset();
  const all = timed('repair (all files change)', 'bash', [script], repair);
  const none = timed('repair again (nothing changes)', 'bash', [script], repair);
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`fix-ownership on 100,000 files:
  chown -R (peer)             ${s(peer)}
  repair, every file changes  ${s(all)}  (${(all / peer).toFixed(1)}x the peer)
  repair again, none changes  ${s(none)}  (${(none / peer).toFixed(1)}x the peer)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
