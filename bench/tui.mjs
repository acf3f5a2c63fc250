// TUI: time from a key press to the next frame, on a namespace of 5,000 movers and, as the
// peer, of 50 (windowed rendering should make them alike). Target (issue 7): under 50 ms.
// The frame is Ink's, computed in debug mode (no 30 fps throttle), at 80x24.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { stubReactDevtools } from '../scripts/stub-react-devtools.mjs';

const out = resolve('bench/out/tui-frame.mjs');
await build({
  entryPoints: ['bench/tui-frame.tsx'],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  jsx: 'automatic',
  loader: { '.sh': 'text', '.pl': 'text' },
  plugins: [stubReactDevtools],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
const { measure } = await import(pathToFileURL(out).href);
const keys = Number(process.env['BENCH_RUNS'] ?? 60);
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

await measure(50, 5); // warm-up: JIT, module init
const peer = await measure(50, keys);
const big = await measure(5000, keys);
console.log(`tui: key press to frame, ${keys} keys (PgDn, j, PgUp, k), median / p95:`);
console.log(
  `  50 movers (peer): ${pct(peer.times, 0.5).toFixed(1)} / ${pct(peer.times, 0.95).toFixed(1)} ms (setup ${peer.setup.toFixed(0)} ms)`,
);
console.log(
  `  5,000 movers: ${pct(big.times, 0.5).toFixed(1)} / ${pct(big.times, 0.95).toFixed(1)} ms = ${(pct(big.times, 0.5) / pct(peer.times, 0.5)).toFixed(2)}x the peer (target < 50 ms); setup ${big.setup.toFixed(0)} ms (resolving every mover, twice for the annotation flip)`,
);
process.exit(0);
