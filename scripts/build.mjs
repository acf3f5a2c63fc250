// Bundles the CLI into one executable ESM file that package.json `bin` points at.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

const outfile = 'dist/kubectl-volsync_perms';
const pkg = JSON.parse(await (await import('node:fs/promises')).readFile('package.json', 'utf8'));

await build({
  entryPoints: ['cmd/kubectl-volsync_perms.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: false,
  legalComments: 'none',
  banner: {
    // yargs and friends still call require() in places; give the ESM bundle one.
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
