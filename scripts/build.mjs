// Bundles the CLI into dist/: the executable `kubectl-volsync_perms` that package.json `bin` points
// at, plus chunks loaded on demand, so client-node is evaluated only when a cluster is read
// (version and offline runs start in ~0.2 s instead of ~0.4 s).
import { build } from 'esbuild';
import { httpWithoutUndici } from './http-without-undici.mjs';
import { lazyClientNodeDeps } from './lazy-client-node-deps.mjs';
import { withoutGeneratedApi } from './without-generated-api.mjs';
import { stubReactDevtools } from './stub-react-devtools.mjs';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';

const outdir = 'dist';
const pkg = JSON.parse(await readFile('package.json', 'utf8'));

await rm(outdir, { recursive: true, force: true });
// The CLI: ES modules, `.mjs` so they are ESM whatever package.json is nearest (krew archive, npm
// package); the entry (below) loads cli-main.mjs.
await build({
  entryPoints: { 'cli-main': 'cmd/cli-main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
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
  plugins: [stubReactDevtools, httpWithoutUndici, lazyClientNodeDeps, withoutGeneratedApi],
  logLevel: 'warning',
});

/** The entry's `import('./cli-main.js')` is the chunk built above, loaded at run time. */
const cliMainChunk = {
  name: 'cli-main-chunk',
  setup(b) {
    b.onResolve({ filter: /^\.\/cli-main\.js$/ }, () => ({
      path: './cli-main.mjs',
      external: true,
    }));
  },
};

// The entry: CommonJS, so that any Node kubectl finds first on PATH parses and runs it, and an old
// one is told so in one line (cmd/kubectl-volsync_perms.ts). kubectl finds plugins by file name:
// no extension, a shebang, executable.
const main = `${outdir}/kubectl-volsync_perms`;
await build({
  entryPoints: ['cmd/kubectl-volsync_perms.ts'],
  outfile: main,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // syntax an old Node parses (`??` would stop Node 12 before the check); import() stays as
  // written, since Node 22 loads the ES module chunk with it (a require() could not)
  target: 'node10',
  supported: { 'dynamic-import': true },
  legalComments: 'none',
  banner: { js: '#!/usr/bin/env node' },
  // it answers `version` itself (src/version-alone.ts)
  define: { __VERSION__: JSON.stringify(pkg.version) },
  plugins: [cliMainChunk],
  logLevel: 'warning',
});
await chmod(main, 0o755);
// the entry is CommonJS wherever dist/ is copied to (an extensionless file takes its module type
// from the nearest package.json); the chunks are .mjs
await writeFile(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
