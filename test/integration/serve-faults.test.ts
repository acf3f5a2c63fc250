import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import { httpGet, killServes, startServe, stopServe, until } from './harness/serve-process.js';
import { kopiaMoverYaml } from './harness/volsync-objects.js';

/**
 * serve's watches against faults the real server will not produce on demand, from the fault
 * proxy in front of it: a 410 Gone on a watch lists the type again, a connection cut in the
 * middle of an event reconnects from the last version seen, and neither loses a change.
 */
const cp = inject('controlPlane');
let proxy: FaultProxy;
let kubeconfig: string;
const rsWatch = /\/apis\/volsync\.backube\/v1alpha1\/replicationsources\?watch=1/;
/** A list's first page: other test files may have added enough movers for several pages. */
const rsList = /\/apis\/volsync\.backube\/v1alpha1\/replicationsources\?limit=500$/;
const nsList = /\/api\/v1\/namespaces\?limit=500$/;
const nsWatch = /\/api\/v1\/namespaces\?watch=1/;

beforeAll(async () => {
  proxy = await startFaultProxy(cp.server);
  kubeconfig = writeKubeconfig(
    cp,
    kubeconfigPath(cp, 'serve-faults'),
    [cp.users.admin],
    'admin',
    proxy.url,
  );
});
afterAll(async () => {
  killServes();
  await proxy.close();
});

const counter = (body: string, resource: string, reason: string) =>
  Number(
    new RegExp(
      `^volsync_perms_watch_restarts_total\\{resource="${resource.replaceAll('.', '\\.')}",reason="${reason}"\\} (\\d+)`,
      'm',
    ).exec(body)?.[1] ?? 0,
  );

describe('serve when watches fail', () => {
  it('lists again after a 410 Gone, resumes after a cut connection, and shows every change', async () => {
    proxy.set([
      { match: rsWatch, fault: { kind: 'status', status: 410 }, times: 1 },
      { match: nsWatch, fault: { kind: 'reset-mid-body' }, times: 1 },
    ]);
    const s = await startServe(kubeconfig, join(cp.dir, 'serve-faults-cache'), ['-v']);
    await until('ready', async () => (await httpGet(`${s.url}/readyz`)).status === 200);
    // the namespace's event is the first data of the namespaces watch: the proxy cuts it
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: serve-faults\n  annotations: {volsync.backube/privileged-movers: "true"}\n---\n${kopiaMoverYaml('serve-faults', 'db')}`,
    );
    await until('the root series through both faults', async () =>
      (await httpGet(`${s.url}/metrics`)).body
        .split('\n')
        .some(
          (l) =>
            l.startsWith('volsync_perms_mover_info{namespace="serve-faults"') &&
            l.includes('uid="0"'),
        ),
    );
    const body = (await httpGet(`${s.url}/metrics`)).body;
    expect(counter(body, 'replicationsources.volsync.backube', 'expired')).toBe(1);
    expect(counter(body, 'namespaces', 'lost')).toBeGreaterThanOrEqual(1);
    // the 410 made a second list of the type; the cut watch resumed without one
    expect(proxy.seen.filter((p) => rsList.test(p)).length).toBe(2);
    expect(proxy.seen.filter((p) => nsList.test(p)).length).toBe(1);
    expect(s.stderr()).toMatch(/I watch replicationsources\.volsync\.backube: expired/);
    expect(await stopServe(s)).toBe(0);
  });
});
