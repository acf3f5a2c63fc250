import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { adminRequest, applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import { kopiaMoverYaml } from './harness/volsync-objects.js';

const cp = inject('controlPlane');
const admin = writeKubeconfig(cp, kubeconfigPath(cp, 'serve-admin'), [cp.users.admin], 'admin');
const cli = join(process.cwd(), 'dist', 'kubectl-volsync_perms');
const sa = 'system:serviceaccount:volsync-perms:volsync-perms';

interface Serving {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const c of running) c.kill('SIGKILL');
});

/** `serve` on a free loopback port, as its own process; resolves once it says where it serves. */
async function serve(extra: string[] = []): Promise<Serving> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--listen', '127.0.0.1:0', '--offline', ...extra],
    {
      env: { ...process.env, KUBECONFIG: admin, XDG_CACHE_HOME: join(cp.dir, 'serve-cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  running.push(child);
  let err = '';
  child.stderr.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: string) => {
      err += c;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => {
      reject(new Error(`serve exited ${String(code)}: ${err}`));
    });
  });
  return { child, url, stderr: () => err };
}

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: await r.text() };
};

/** Polls until `f` holds; returns how long it took. */
async function until(what: string, f: () => Promise<boolean>, ms = 15_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await f()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

const metricsOf = async (s: Serving) => (await get(`${s.url}/metrics`)).body;
const moverSeries = (body: string, ns: string) =>
  body
    .split('\n')
    .filter((l) => l.startsWith('volsync_perms_mover_info{') && l.includes(`namespace="${ns}"`));
const findingSeries = (body: string, ns: string, code: string) =>
  body
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('volsync_perms_findings{') &&
        l.includes(`namespace="${ns}"`) &&
        l.includes(`code="${code}"`),
    );

const namespaceYaml = (ns: string, privileged: boolean) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
${privileged ? '  annotations: {volsync.backube/privileged-movers: "true"}\n' : ''}---
`;

async function stop(s: Serving): Promise<number | null> {
  s.child.kill('SIGTERM');
  const [code] = (await once(s.child, 'exit')) as [number | null];
  return code;
}

describe('serve against a real kube-apiserver', () => {
  it("shows a privileged namespace's root mover and its finding within 5 s, clears them when the annotation goes, and keeps them across a restart", async () => {
    const first = await serve();
    await until('ready', async () => (await get(`${first.url}/readyz`)).status === 200);
    expect((await get(`${first.url}/healthz`)).status).toBe(200);

    await applyYaml(cp, namespaceYaml('serve-priv', true) + kopiaMoverYaml('serve-priv', 'db'));
    const shown = await until('the root series', async () => {
      const body = await metricsOf(first);
      return (
        moverSeries(body, 'serve-priv').some((l) => l.includes('uid="0"')) &&
        findingSeries(body, 'serve-priv', 'VP001').length > 0
      );
    });
    expect(shown).toBeLessThan(5000);
    expect(moverSeries(await metricsOf(first), 'serve-priv')).toEqual([
      expect.stringMatching(
        /name="db".*mover="kopia",privileged="true",uid="0",gid="1000",decided_by="volsync"} 1$/,
      ),
    ]);

    await applyYaml(cp, namespaceYaml('serve-priv', false));
    const cleared = await until('the annotation removed', async () => {
      const body = await metricsOf(first);
      return (
        moverSeries(body, 'serve-priv').some((l) => l.includes('uid="1000"')) &&
        findingSeries(body, 'serve-priv', 'VP001').length === 0
      );
    });
    expect(cleared).toBeLessThan(5000);
    expect(await stop(first)).toBe(0);

    const second = await serve();
    await until('ready again', async () => (await get(`${second.url}/readyz`)).status === 200);
    await until('the series after a restart', async () =>
      moverSeries(await metricsOf(second), 'serve-priv').some((l) => l.includes('uid="1000"')),
    );
    expect(await stop(second)).toBe(0);
  });

  it('reads everything with the ClusterRole of deploy/ alone, and may write nothing', async () => {
    const rendered = spawnSync('kubectl', ['kustomize', 'deploy'], { encoding: 'utf8' });
    expect(rendered.status, rendered.stderr).toBe(0);
    const docs = rendered.stdout
      .split(/^---$/m)
      .filter((d) => /^kind: (Namespace|ServiceAccount|ClusterRole|ClusterRoleBinding)$/m.test(d));
    await applyYaml(cp, docs.join('---\n'));
    await applyYaml(cp, namespaceYaml('serve-rbac', false) + kopiaMoverYaml('serve-rbac', 'app'));
    const s = await serve(['--as', sa]);
    await until(
      'ready as the ServiceAccount',
      async () => (await get(`${s.url}/readyz`)).status === 200,
    );
    await until(
      'the series as the ServiceAccount',
      async () => moverSeries(await metricsOf(s), 'serve-rbac').length > 0,
    );
    expect(s.stderr()).not.toMatch(/forbids/);
    expect(await stop(s)).toBe(0);
    // the same identity may not write: a ConfigMap, a Namespace annotation
    const asSa = (method: string, path: string, body: unknown) =>
      adminRequest(
        cp,
        method,
        path,
        body,
        method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
        { 'Impersonate-User': sa },
      );
    expect(
      (await asSa('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (
        await asSa('PATCH', '/api/v1/namespaces/serve-priv', {
          metadata: { annotations: { a: 'b' } },
        })
      ).status,
    ).toBe(403);
  });
});
