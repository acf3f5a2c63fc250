import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { lazyClientNodeDeps } from '../scripts/lazy-client-node-deps.mjs';
import { describe, expect, it } from 'vitest';
import { stubReactDevtools } from '../scripts/stub-react-devtools.mjs';
import { withoutGeneratedApi } from '../scripts/without-generated-api.mjs';

/** The npm build as scripts/build.mjs makes it, with esbuild's record of what each chunk imports. */
async function metafile(plugins = [stubReactDevtools]): Promise<Metafile> {
  const r = await build({
    entryPoints: ['cmd/kubectl-volsync_perms.ts'],
    outdir: 'out',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    loader: { '.sh': 'text', '.pl': 'text' },
    plugins,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  return r.metafile;
}

/** Every module a chunk loads before it runs: itself and its static imports, transitively. */
function loadedWith(meta: Metafile, entry: string): string[] {
  const out = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entry)?.[0];
  if (out === undefined) throw new Error(`no chunk for ${entry}`);
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of meta.outputs[path]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(out);
  return [...seen].flatMap((p) => Object.keys(meta.outputs[p]?.inputs ?? {}));
}

const ui = (inputs: string[]) =>
  inputs.filter((p) => /node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(p));

describe('lazy loading', () => {
  it('no command but tui loads Ink or React; tui does (so the check can fail)', async () => {
    const meta = await metafile();
    for (const command of [
      'explain',
      'effective-uid',
      'fix-job',
      'annotate',
      'version',
      'completion',
    ])
      expect(ui(loadedWith(meta, `src/commands/${command}.ts`)), command).toEqual([]);
    // the entry checks the Node version, then imports cli-main, which answers version alone
    expect(ui(loadedWith(meta, 'cmd/kubectl-volsync_perms.ts'))).toEqual([]);
    expect(ui(loadedWith(meta, 'cmd/cli-main.ts'))).toEqual([]);
    expect(ui(loadedWith(meta, 'src/tui/start.ts')).length).toBeGreaterThan(0);
  });

  it("bundles client-node's KubeConfig without its generated API clients (so the check can fail)", async () => {
    const generated = (meta: Metafile) =>
      Object.keys(meta.inputs).filter((p) => /client-node\/dist\/gen\/(apis|models)\//.test(p));
    expect(generated(await metafile([stubReactDevtools, withoutGeneratedApi]))).toEqual([]);
    expect(generated(await metafile()).length).toBeGreaterThan(100);
  });

  it("builds client-node's SOCKS and HTTPS proxy agents with the stand-ins that load them on first use", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazy-deps-'));
    try {
      const entry = `
        import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
        export async function agentFor(proxyUrl) {
          const kc = new KubeConfig();
          kc.loadFromOptions({
            clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', proxyUrl, skipTLSVerify: false }],
            users: [{ name: 'u', token: 't' }],
            contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
            currentContext: 'x',
          });
          const opts = {};
          await kc.applyToHTTPSOptions(opts);
          return opts.agent;
        }`;
      await build({
        stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
        outfile: join(dir, 'kc.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        plugins: [lazyClientNodeDeps, withoutGeneratedApi],
        banner: {
          js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        },
        logLevel: 'silent',
      });
      const { agentFor } = (await import(pathToFileURL(join(dir, 'kc.mjs')).href)) as {
        agentFor: (u: string) => Promise<object>;
      };
      // the bundle may rename a class (HttpsProxyAgent2): the name starts the same
      expect((await agentFor('socks5://127.0.0.1:1080')).constructor.name).toMatch(
        /^SocksProxyAgent/,
      );
      expect((await agentFor('http://127.0.0.1:3128')).constructor.name).toMatch(
        /^HttpsProxyAgent/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
