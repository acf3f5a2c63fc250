import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { adminRequest, applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import {
  httpGet,
  killServes,
  startServe,
  stopServe,
  until,
  type Serving,
} from './harness/serve-process.js';
import { kopiaMoverYaml } from './harness/volsync-objects.js';

const cp = inject('controlPlane');
const admin = writeKubeconfig(cp, kubeconfigPath(cp, 'serve-admin'), [cp.users.admin], 'admin');
const sa = 'system:serviceaccount:volsync-perms:volsync-perms';

afterAll(killServes);
const serve = (extra: string[] = []) => startServe(admin, join(cp.dir, 'serve-cache'), extra);
const get = httpGet;

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

const stop = stopServe;

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
    const rendered = spawnSync('kubectl', ['kustomize', 'deploy/base'], { encoding: 'utf8' });
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
      (await asSa('POST', '/api/v1/namespaces/default/events', { metadata: { name: 'x' } })).status,
    ).toBe(403);
    expect(
      (
        await asSa('PATCH', '/api/v1/namespaces/serve-priv', {
          metadata: { annotations: { a: 'b' } },
        })
      ).status,
    ).toBe(403);
  });

  it('with --events and deploy/events, writes an Event on the mover when its finding appears and when it clears', async () => {
    // an overlay of the base with the events component, as a user writes one
    const overlay = 'test/.serve-events-overlay';
    rmSync(overlay, { recursive: true, force: true });
    mkdirSync(overlay);
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      'resources: [../../deploy/base]\ncomponents: [../../deploy/events]\n',
    );
    const rendered = spawnSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' });
    rmSync(overlay, { recursive: true, force: true });
    expect(rendered.status, rendered.stderr).toBe(0);
    expect(rendered.stdout).toMatch(/- --events$/m);
    const docs = rendered.stdout
      .split(/^---$/m)
      .filter((d) => /^kind: (ClusterRole|ClusterRoleBinding)$/m.test(d));
    await applyYaml(cp, docs.join('---\n'));
    const s = await serve(['--as', sa, '--events']);
    await until('ready', async () => (await get(`${s.url}/readyz`)).status === 200);
    await applyYaml(cp, namespaceYaml('serve-events', true) + kopiaMoverYaml('serve-events', 'db'));
    const eventsOf = async () => {
      const r = await adminRequest(cp, 'GET', '/api/v1/namespaces/serve-events/events');
      const list = JSON.parse(r.body) as {
        items: {
          reason: string;
          message: string;
          type: string;
          involvedObject: { kind: string; name: string; uid?: string };
        }[];
      };
      return list.items.filter(
        (e) => e.involvedObject.kind === 'ReplicationSource' && e.involvedObject.name === 'db',
      );
    };
    await until('the FindingRaised Event', async () =>
      (await eventsOf()).some(
        (e) =>
          e.reason === 'FindingRaised' && e.message.startsWith('VP001: ') && e.type === 'Warning',
      ),
    );
    await applyYaml(cp, namespaceYaml('serve-events', false));
    await until('the FindingCleared Event', async () =>
      (await eventsOf()).some(
        (e) => e.reason === 'FindingCleared' && e.message.startsWith('VP001 cleared: '),
      ),
    );
    const uids = new Set((await eventsOf()).map((e) => e.involvedObject.uid));
    expect(uids.size).toBe(1);
    expect(s.stderr()).not.toMatch(/forbids/);
    expect(await stop(s)).toBe(0);
  });
});
