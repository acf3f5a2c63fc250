// --flux: wall time of rendering a whole Flux repository (rcdailey/home-ops from the workspace's
// corpus, ~420 files, 13 namespaces) with `explain -A --flux`, next to `kubectl kustomize` run on
// the same folders one after the other (the paths of its Flux Kustomizations), as a ratio. Target
// (issue 9): under 5 s on the 2-core reference machine.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve('test/fixtures/corpus/raw/rcdailey-home-ops/d4e1bc3f-before');
if (!existsSync(root)) {
  console.log(`flux: ${root} not found (the workspace corpus); skipped`);
  process.exit(0);
}
const runs = Number(process.env['BENCH_RUNS'] ?? 5);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : e.name.endsWith('.yaml')
        ? [join(dir, e.name)]
        : [],
  );
}
// the folders Flux builds: every spec.path of a Flux Kustomization that holds a kustomization.yaml
const folders = [
  ...new Set(
    files(join(root, 'kubernetes')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^\s+path: (\.\/kubernetes\/\S+)$/gm)].map((m) =>
        join(root, m[1]),
      ),
    ),
  ),
].filter((d) => existsSync(join(d, 'kustomization.yaml')));

function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours = [];
const peer = [];
for (let i = 0; i < runs; i++) {
  ours.push(
    time(() => {
      const r = spawnSync(
        process.execPath,
        [
          'dist/kubectl-volsync_perms',
          'explain',
          '-A',
          '--flux',
          join(root, 'kubernetes'),
          '--offline',
          '-o',
          'json',
        ],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
      if (r.status !== 0) throw new Error(`explain --flux: exit ${r.status}`);
    }),
  );
  peer.push(
    time(() => {
      for (const d of folders) spawnSync('kubectl', ['kustomize', d], { stdio: 'ignore' });
    }),
  );
}
console.log(
  `flux: rendering rcdailey/home-ops (${folders.length} Kustomization folders), median of ${runs}:`,
);
console.log(
  `  kubectl kustomize of each folder, one after the other: ${median(peer).toFixed(0)} ms (peer)`,
);
console.log(
  `  explain -A --flux (render, substitute, resolve, report): ${median(ours).toFixed(0)} ms = ${(median(ours) / median(peer)).toFixed(2)}x (target < 5 s)`,
);
