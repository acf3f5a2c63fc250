// Benchmark: the audit walker (src/core/storage/audit-walk.pl) on 1,000,000 files, against
// `find DIR -xdev -printf '%U %G %m\n' | sort | uniq -c` on the same tree as the peer: the
// one-liner that counts who owns what (and what the mover image cannot run: it has no findutils).
// The walker does more: types, bytes, mtime spans per class, hard links once, denied subtrees,
// nested mounts, bounded output. Target: within 2x of the peer. The tree is built once and kept
// under bench/out/ (gitignored); building it needs root (chown). Runs interleaved, one of each in
// turn after a warm-up, so a busy machine slows both alike; medians of BENCH_RUNS (default 5).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'src', 'core', 'storage', 'audit-walk.pl');
const runs = Number(process.env['BENCH_RUNS'] ?? 5);
if (process.getuid?.() !== 0) {
  console.log('audit bench: skipped (needs root to build the tree: chown)');
  process.exit(0);
}

// 100 directories x 10 subdirectories x 1,000 files. Owners and modes cycle through 7 and 6
// values (1000:1000 most, 0:1000 as the incident's privileged mover wrote, 568, 0, 65534), so
// neighbouring files differ (the walker's worst case for its class cache); sizes are sparse
// (truncate), 0 to 36 KiB; each directory was written in one 17-minute burst, an hour after the
// previous one, so every class has some 1,000 spans to merge down to 16.
const layout = { version: 1, top: 100, sub: 10, files: 1000 };
const generator = String.raw`
use strict; use warnings; use Fcntl qw(O_CREAT O_WRONLY O_EXCL);
my ($root, $top, $sub, $files) = @ARGV;
my @owners = ([1000, 1000], [1000, 1000], [0, 1000], [568, 568], [0, 0], [65534, 65534], [1000, 1000]);
my @modes = (0644, 0600, 0640, 0755, 0600, 0444);
my @pids;
for my $worker (0, 1) {
    my $pid = fork // die "fork: $!";
    if ($pid) { push @pids, $pid; next }
    for (my $t = $worker; $t < $top; $t += 2) {
        mkdir "$root/t$t" or die "$root/t$t: $!";
        for my $s (0 .. $sub - 1) {
            my $dir = "$root/t$t/s$s";
            mkdir $dir or die "$dir: $!";
            for my $f (0 .. $files - 1) {
                my $n = ($t * $sub + $s) * $files + $f;
                my $p = "$dir/f$f";
                sysopen(my $fh, $p, O_CREAT | O_WRONLY | O_EXCL, 0644) or die "$p: $!";
                truncate($fh, ($n % 10) * 4096) if $n % 10;
                close $fh;
                chown @{ $owners[$n % 7] }, $p;
                chmod $modes[$n % 6], $p;
                my $mtime = 1700000000 + int($n / 1000) * 3600 + $n % 1000;
                utime $mtime, $mtime, $p;
            }
        }
    }
    exit 0;
}
for (@pids) { waitpid $_, 0; die "a generator failed\n" if $? }
`;

const out = join(root, 'bench', 'out');
const tree = join(out, 'audit-tree');
const stamp = join(out, 'audit-tree.json');
const files = layout.top * layout.sub * layout.files;
const dirs = layout.top * layout.sub + layout.top + 1;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
let built = 'kept from an earlier run';
const same = existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify(layout);
if (!same || !existsSync(tree)) {
  rmSync(tree, { recursive: true, force: true });
  rmSync(stamp, { force: true });
  mkdirSync(tree, { recursive: true });
  const t = process.hrtime.bigint();
  execFileSync('perl', ['-e', generator, tree, layout.top, layout.sub, layout.files].map(String), {
    stdio: 'inherit',
  });
  writeFileSync(stamp, JSON.stringify(layout));
  built = `built in ${s(Number(process.hrtime.bigint() - t) / 1e6)}`;
}

const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);
/** Wall time, and peak RSS when /usr/bin/time is there (it prints `%M` last on stderr). */
function timed(label, cmd, args, env = {}) {
  const [c, a] = hasTime ? [TIME, ['-f', 'rss=%M', cmd, ...args]] : [cmd, args];
  const t = process.hrtime.bigint();
  const r = spawnSync(c, a, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  const rss = /rss=(\d+)\s*$/.exec(r.stderr)?.[1];
  return { ms, kib: rss === undefined ? undefined : Number(rss), stdout: r.stdout };
}
const peer = () =>
  timed('peer', 'sh', ['-c', `find "$1" -xdev -printf '%U %G %m\\n' | sort | uniq -c`, 'sh', tree]);
const walker = () =>
  timed('audit-walk.pl', 'perl', [script], { AUDIT_ROOT: tree, PROGRESS_EVERY: '10000000' });

// the warm-up fills the inode cache, and checks that both saw the whole tree
const entries = Number(/"totals":\{"entries":(\d+)/.exec(walker().stdout)?.[1]);
const peerEntries = peer()
  .stdout.split('\n')
  .reduce((n, l) => n + (Number(l.trim().split(' ')[0]) || 0), 0);
if (entries !== files + dirs || peerEntries !== files + dirs)
  throw new Error(
    `the walker saw ${entries} entries, the peer ${peerEntries}; want ${files + dirs}`,
  );

const times = { peer: [], walker: [], rss: [] };
for (let i = 0; i < runs; i++) {
  times.peer.push(peer().ms);
  const w = walker();
  times.walker.push(w.ms);
  if (w.kib !== undefined) times.rss.push(w.kib);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [p, w] = [median(times.peer), median(times.walker)];
const fstype = spawnSync('findmnt', ['-n', '-o', 'FSTYPE', '-T', tree], { encoding: 'utf8' });
const perl = spawnSync('perl', ['-e', 'print substr($^V, 1)'], { encoding: 'utf8' }).stdout;
const rss = times.rss.length > 0 ? `; peak RSS ${(median(times.rss) / 1024).toFixed(0)} MiB` : '';
console.log(`audit on ${files.toLocaleString('en')} files and ${dirs.toLocaleString('en')} directories (tree ${built}, bench/out/audit-tree), median of ${runs} interleaved runs:
  find -xdev -printf '%U %G %m\\n' | sort | uniq -c (peer)  ${s(p)}
  audit-walk.pl                                          ${s(w)} = ${(w / p).toFixed(2)}x the peer (target <= 2x)${rss}
  machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Linux ${release()}, ${fstype.stdout.trim() || 'unknown filesystem'}, perl ${perl}`);
