import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import { prometheusTool, startPrometheus, type PrometheusServer } from './harness/prometheus.js';
import { httpGet, killServes, startServe, until } from './harness/serve-process.js';
import { kopiaMoverYaml } from './harness/volsync-objects.js';

/**
 * deploy/monitoring against the real tools: promtool checks and unit-tests the PrometheusRule's
 * alerts, the dashboard's queries parse and name only metrics serve exports, and a real
 * Prometheus scrapes serve and raises the alert of a privileged namespace.
 */
const cp = inject('controlPlane');
const admin = writeKubeconfig(
  cp,
  kubeconfigPath(cp, 'prometheus-admin'),
  [cp.users.admin],
  'admin',
);
const dir = join(cp.dir, 'prometheus-test');
mkdirSync(dir, { recursive: true });

type Doc = { kind: string; spec?: unknown; data?: Record<string, string> };
const rendered = spawnSync('kubectl', ['kustomize', 'deploy/monitoring'], { encoding: 'utf8' });
const docs = loadAll(rendered.stdout) as Doc[];
const rules = join(dir, 'rules.yaml');
writeFileSync(rules, dump(docs.find((d) => d.kind === 'PrometheusRule')?.spec ?? {}));
const dashboard = JSON.parse(
  docs.find((d) => d.kind === 'ConfigMap')?.data?.['volsync-perms.json'] ?? '{}',
) as { panels?: { targets?: { expr: string }[] }[] };
const dashboardExprs = (dashboard.panels ?? []).flatMap((p) =>
  (p.targets ?? []).map((t) => t.expr),
);
const ruleExprs = [
  ...(
    docs.find((d) => d.kind === 'PrometheusRule')?.spec as {
      groups: { rules: { expr: string }[] }[];
    }
  ).groups.flatMap((g) => g.rules.map((r) => r.expr)),
];

const promtool = (...args: string[]) =>
  spawnSync(prometheusTool('promtool'), args, { encoding: 'utf8', cwd: dir });

let prometheus: PrometheusServer | undefined;
afterAll(() => {
  prometheus?.stop();
  killServes();
});

describe('deploy/monitoring against promtool and a real Prometheus', () => {
  it('renders with kubectl kustomize: the base, the ServiceMonitor, the PrometheusRule and the dashboard', () => {
    expect(rendered.status, rendered.stderr).toBe(0);
    expect(docs.map((d) => d.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'Namespace',
      'PrometheusRule',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
  });

  it('has alert rules promtool accepts, and their unit tests pass', () => {
    const check = promtool('check', 'rules', rules);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    copyFileSync('deploy/monitoring/alerts-test.yaml', join(dir, 'alerts-test.yaml'));
    const test = promtool('test', 'rules', 'alerts-test.yaml');
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });

  it('has dashboard queries that parse', () => {
    expect(dashboardExprs.length).toBeGreaterThan(5);
    const asRules = join(dir, 'dashboard-exprs.yaml');
    writeFileSync(
      asRules,
      dump({
        groups: [
          {
            name: 'dashboard',
            rules: dashboardExprs.map((expr, i) => ({ record: `dashboard:query${i}`, expr })),
          },
        ],
      }),
    );
    const check = promtool('check', 'rules', asRules);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('is scraped by a real Prometheus, which raises the alert of a privileged namespace, and names only metrics serve exports', async () => {
    const serve = await startServe(admin, join(dir, 'cache'));
    await until('serve ready', async () => (await httpGet(`${serve.url}/readyz`)).status === 200);
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prom-priv\n  annotations: {volsync.backube/privileged-movers: "true"}\n---\n${kopiaMoverYaml('prom-priv', 'db')}`,
    );
    prometheus = await startPrometheus(dir, new URL(serve.url).host, [rules]);
    const p = prometheus;
    await until(
      'the root series in Prometheus',
      async () =>
        (await p.query('volsync_perms_mover_info{namespace="prom-priv",uid="0"}')).length === 1,
      30_000,
    );
    await until(
      'the pending alert',
      async () =>
        (
          await p.query(
            'ALERTS{alertname="VolSyncPermsPrivilegedMoverOverride",namespace="prom-priv"}',
          )
        ).some(([l]) => l['alertstate'] === 'pending'),
      30_000,
    );

    // every metric a rule or panel names is one serve exports (a renamed metric fails here)
    const exposition = (await httpGet(`${serve.url}/metrics`)).body;
    const exported = new Set<string>();
    for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      const [, name = '', type] = m;
      exported.add(name);
      if (type === 'counter') exported.add(`${name}_total`);
      if (type === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
    }
    const named = new Set(
      [...ruleExprs, ...dashboardExprs].flatMap((e) => e.match(/volsync_perms_[a-z_]+/g) ?? []),
    );
    expect([...named].filter((n) => !exported.has(n))).toEqual([]);
  });
});
