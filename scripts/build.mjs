// Bundles the CLI into dist/: the executable `kubectl-volsync_perms` that package.json `bin` points
// at, plus chunks loaded on demand, so client-node is evaluated only when a cluster is read
// (version and offline runs start in ~0.2 s instead of ~0.4 s).
import { build } from 'esbuild';
import { stubReactDevtools } from './stub-react-devtools.mjs';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';

const outdir = 'dist';
const pkg = JSON.parse(await readFile('package.json', 'utf8'));

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: ['cmd/kubectl-volsync_perms.ts'],
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: false,
  legalComments: 'none',
  // the Job scripts (fix-job's repair script, audit's walker) ship inside the Jobs they run in
  loader: { '.sh': 'text', '.pl': 'text' },
  banner: {
    // yargs and friends still call require() in places; give each ESM chunk one.
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { __VERSION__: JSON.stringify(pkg.version) },
  plugins: [stubReactDevtools],
  logLevel: 'warning',
});
// kubectl finds plugins by file name: no extension, a shebang, executable.
const main = `${outdir}/kubectl-volsync_perms`;
await rename(`${main}.js`, main);
await writeFile(main, `#!/usr/bin/env node\n${await readFile(main, 'utf8')}`);
await chmod(main, 0o755);
// the chunks are ESM wherever dist/ is copied to (krew archive, npm package)
await writeFile(`${outdir}/package.json`, '{ "type": "module" }\n');
