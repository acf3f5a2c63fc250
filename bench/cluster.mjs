// Bundles a TypeScript benchmark that reuses the test harness (bench/explain-cluster.ts, or the
// one named as the argument) and runs it.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
try {
  const outfile = join(dir, 'bench.mjs');
  await build({
    entryPoints: [process.argv[2] ?? 'bench/explain-cluster.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
