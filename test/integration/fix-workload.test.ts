import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';
import { startFakeKubelet, type FakeKubelet } from './harness/fake-kubelet.js';
import { startFaultProxy } from './harness/fault-proxy.js';
import { adminRequest, applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';

// fix-job sts/NAME and deploy/NAME on a real API server. The harness runs no controller-manager:
// the tests play the StatefulSet (Deployment) controller where the tool waits for one (they delete
// the workload's pods and write its status once it is scaled to 0), and the stand-in kubelet runs
// each repair Job's real script on a sandbox directory per claim (as root here, with the Job's
// UID, GID and capabilities).
const cp = inject('controlPlane');
const kubeconfig = writeKubeconfig(
  cp,
  kubeconfigPath(cp, 'fix-workload'),
  [cp.users.admin],
  'admin',
);
const env = { KUBECONFIG: kubeconfig };
const run = (...argv: string[]) => runCliCaptured(argv, '', env);
const owner = ['--uid', '999', '--gid', '999'];
const enforce = 'pod-security.kubernetes.io/enforce';
const record = 'volsync-perms.io/scaled-down-from';
const psaRecord = 'volsync-perms.io/pod-security-relaxed';
const claims = ['data-pg-0', 'data-pg-1'];
// what the namespace at restricted admits: the app's pods run there, fix-job's Jobs do not
const restrictedPod =
  '{runAsUser: 999, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}';
const restrictedContainer = '{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}';

/** A namespace with postgres: 2 replicas, a ReadWriteOncePod claim per pod, both pods running. */
function postgres(ns: string, labels: Record<string, string> = { [enforce]: 'baseline' }): string {
  const pvc = (name: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: ${ns}}
spec: {accessModes: [ReadWriteOncePod], resources: {requests: {storage: 1Gi}}}
---
`;
  const pod = (i: number) => `apiVersion: v1
kind: Pod
metadata: {name: pg-${i}, namespace: ${ns}, labels: {app: pg}}
spec:
  securityContext: ${restrictedPod}
  containers: [{name: postgres, image: postgres:17, securityContext: ${restrictedContainer}}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: data-pg-${i}}}]
---
`;
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels: ${JSON.stringify(labels)}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: ${ns}}
spec:
  replicas: 2
  serviceName: pg
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec:
      securityContext: {runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers: [{name: postgres, image: postgres:17, securityContext: ${restrictedContainer}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOncePod], resources: {requests: {storage: 1Gi}}}
---
${claims.map(pvc).join('')}${pod(0)}${pod(1)}`;
}

async function getJson(path: string): Promise<Record<string, unknown> | undefined> {
  const r = await adminRequest(cp, 'GET', path);
  return r.status === 404 ? undefined : (JSON.parse(r.body) as Record<string, unknown>);
}

interface Workload {
  metadata: { generation: number; annotations?: Record<string, string> };
  spec: { replicas: number };
  status?: { replicas?: number };
}

const stsPath = (ns: string, name = 'pg', kind = 'statefulsets') =>
  `/apis/apps/v1/namespaces/${ns}/${kind}/${name}`;
const workload = async (ns: string, name = 'pg', kind = 'statefulsets') =>
  (await getJson(stsPath(ns, name, kind))) as unknown as Workload;

async function jobItems(ns: string) {
  const list = (await getJson(`/apis/batch/v1/namespaces/${ns}/jobs`)) as {
    items: {
      metadata: { name: string; uid: string; deletionTimestamp?: string };
      spec: { template: { spec: { volumes: { persistentVolumeClaim: { claimName: string } }[] } } };
      status?: { conditions?: { type: string }[] };
    }[];
  };
  return list.items.filter((j) => !j.metadata.deletionTimestamp);
}
async function namespaceMeta(ns: string) {
  const o = (await getJson(`/api/v1/namespaces/${ns}`)) as {
    metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  };
  return { labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {} };
}

const jobs = async (ns: string) => (await jobItems(ns)).map((j) => j.metadata.name);

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The StatefulSet (or Deployment) controller's part, once: when the tool has scaled the workload
 * to 0, delete its pods and report 0 replicas at its generation.
 */
async function stopWhenScaledDown(
  ns: string,
  name = 'pg',
  kind = 'statefulsets',
  /** Only a scale-down written after this generation counts. */
  after = 0,
): Promise<void> {
  await until(`${kind}/${name} scaled to 0`, async () => {
    const w = await workload(ns, name, kind);
    return w.spec.replicas === 0 && w.metadata.generation > after ? true : undefined;
  });
  const pods = (await getJson(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${name}`)) as {
    items: { metadata: { name: string } }[];
  };
  for (const p of pods.items)
    await adminRequest(
      cp,
      'DELETE',
      `/api/v1/namespaces/${ns}/pods/${p.metadata.name}?gracePeriodSeconds=0`,
    );
  const w = (await getJson(stsPath(ns, name, kind))) as Workload & Record<string, unknown>;
  const r = await adminRequest(cp, 'PUT', `${stsPath(ns, name, kind)}/status`, {
    ...w,
    status: { observedGeneration: w.metadata.generation, replicas: 0 },
  });
  if (r.status !== 200) throw new Error(`status of ${name}: ${r.status} ${r.body}`);
}

/** The stand-in kubelet runs `count` repair Jobs as they come, each on its claim's directory. */
async function runRepairs(
  kubelet: FakeKubelet,
  ns: string,
  dirs: Record<string, string>,
  count: number,
): Promise<string[]> {
  const served: string[] = [];
  while (served.length < count) {
    const job = await until('the next repair Job', async () =>
      (await jobItems(ns)).find((j) => !served.includes(j.metadata.uid) && !j.status?.conditions),
    );
    served.push(job.metadata.uid);
    const claim = job.spec.template.spec.volumes[0]?.persistentVolumeClaim.claimName ?? '';
    await kubelet.runJob(ns, job.metadata.name, dirs[claim] ?? '/nonexistent', 300);
  }
  return served;
}

/** A sandbox volume per claim: postgres files owned 70:70 (the alpine image's postgres UID). */
function volumes(): Record<string, string> {
  const root = mkdtempSync(join(tmpdir(), 'vp-fix-workload-'));
  return Object.fromEntries(
    [...claims, 'web-data'].map((c) => {
      const dir = join(root, c);
      mkdirSync(join(dir, 'base/1'), { recursive: true });
      for (const f of ['PG_VERSION', 'base/1/1259', 'base/1/pg filenode.map']) {
        writeFileSync(join(dir, f), 'x');
        chownSync(join(dir, f), 70, 70);
      }
      for (const d of ['base/1', 'base', '']) chownSync(join(dir, d), 70, 70);
      return [c, dir];
    }),
  );
}

function spawnCli(...argv: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['dist/kubectl-volsync_perms', ...argv], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve(code ?? (signal === 'SIGKILL' ? -9 : null));
    }),
  );
  return { child, exited };
}

/** The workload as fix-job must leave it: the replicas it had, no record. */
async function expectRestored(ns: string, replicas = 2, name = 'pg', kind = 'statefulsets') {
  const w = await workload(ns, name, kind);
  expect(w.spec.replicas).toBe(replicas);
  expect(w.metadata.annotations ?? {}).not.toHaveProperty(record);
}

describe('fix-job on a whole workload, on a real API server with a stand-in kubelet', () => {
  let kubelet: FakeKubelet;
  let dirs: Record<string, string>;

  beforeAll(async () => {
    kubelet = await startFakeKubelet(cp, 'fw-node');
    dirs = volumes();
  });

  afterAll(async () => {
    await kubelet.stop();
    rmSync(join(dirs['data-pg-0'] ?? '/nonexistent', '..'), { recursive: true, force: true });
  });

  it('scales the StatefulSet to 0 (recorded), repairs every claim on its own volume, scales back to the recorded 2; a second run changes nothing and leaves it as it was', async () => {
    await applyYaml(cp, postgres('fw-main'));
    const before = await workload('fw-main');
    const preview = await run('fix-job', 'sts/pg', ...owner, '-n', 'fw-main');
    expect(preview.code, preview.stderr).toBe(0);
    // its own pods hold the ReadWriteOncePod claims now, but not when the Jobs run
    expect(preview.stdout).toMatch(/^1 +scale down +StatefulSet fw-main\/pg +2 -> 0 replicas/m);
    expect(preview.stdout).toMatch(
      /^2 +repair +PersistentVolumeClaim fw-main\/data-pg-0 +Job volsync-perms-fix-data-pg-0-\w+ on any node$/m,
    );
    expect(preview.stdout).toMatch(/^4 +scale up +StatefulSet fw-main\/pg +0 -> 2 replicas/m);
    expect(preview.stdout).toMatch(/^replicas: +no HorizontalPodAutoscaler targets it/m);
    expect(preview.stdout).toMatch(/^server dry-run: the API server admits every Job's pod$/m);
    expect(await workload('fw-main')).toEqual(before);

    const repair = async () => {
      const cli = run('fix-job', 'statefulset/pg', ...owner, '-n', 'fw-main', '--apply');
      const seen = stopWhenScaledDown('fw-main').then(async () => {
        // while the repairs run: 0 replicas, the original 2 recorded with this process as holder
        const w = await workload('fw-main');
        const rec = JSON.parse(w.metadata.annotations?.[record] ?? '{}') as Record<string, unknown>;
        expect(rec).toMatchObject({ replicas: 2, holder: { pid: process.pid } });
        expect(rec['jobs']).toHaveLength(2);
      });
      await seen;
      await runRepairs(kubelet, 'fw-main', dirs, 2);
      return cli;
    };
    const first = await repair();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /StatefulSet fw-main\/pg: scaled from 2 to 0 replicas \(recorded in annotation volsync-perms.io\/scaled-down-from/,
    );
    expect(first.stderr).toMatch(/StatefulSet fw-main\/pg: scaled back to 2 replicas/);
    expect(
      first.stdout.match(/succeeded: 6 of 6 files changed; volume root now 999:999/g),
    ).toHaveLength(2);
    expect(first.stdout).toMatch(
      /^StatefulSet fw-main\/pg: 2 claims repaired; scaled back to 2 replicas$/m,
    );
    for (const c of claims) expect(lstatSync(join(dirs[c] ?? '', 'base/1/1259')).uid).toBe(999);
    await expectRestored('fw-main');
    expect(await jobs('fw-main')).toEqual([]);

    const second = await repair();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.match(/succeeded: 0 of 6 files changed/g)).toHaveLength(2);
    const after = await workload('fw-main');
    expect(after.spec).toEqual({ ...before.spec, replicas: 2 });
    await expectRestored('fw-main');
  });

  it('a run killed mid-way (SIGKILL) leaves the record; a preview says so, and the next --apply scales it back to the recorded replicas, removes the dead run Job, and goes on', async () => {
    await applyYaml(cp, postgres('fw-killed'));
    const { child, exited } = spawnCli('fix-job', 'sts/pg', ...owner, '-n', 'fw-killed', '--apply');
    await stopWhenScaledDown('fw-killed');
    const dead = await until('the dead run Job', async () => (await jobItems('fw-killed'))[0]);
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    expect((await workload('fw-killed')).spec.replicas).toBe(0);

    const preview = await run('fix-job', 'sts/pg', ...owner, '-n', 'fw-killed');
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stderr).toMatch(
      /a fix-job run that died left it at 0 replicas \(it had 2\); run with --apply/,
    );
    expect(preview.stdout).toMatch(/^1 +scale down +StatefulSet fw-killed\/pg +2 -> 0 replicas/m);
    expect((await workload('fw-killed')).spec.replicas).toBe(0);

    // the recovery scales it back to 2 (a generation), then the run scales it down again (another)
    const left = (await workload('fw-killed')).metadata.generation;
    const again = run('fix-job', 'sts/pg', ...owner, '-n', 'fw-killed', '--apply');
    await stopWhenScaledDown('fw-killed', 'pg', 'statefulsets', left + 1);
    await runRepairs(kubelet, 'fw-killed', dirs, 2);
    const r = await again;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `scaled back to 2 replicas, left at 0 by a fix-job run that died \\(.* pid \\d+\\); deleted its Jobs ${dead.metadata.name}`,
      ),
    );
    await expectRestored('fw-killed');
  });

  it('a failed repair keeps its Job for inspection, runs no further Job, scales back and exits 4', async () => {
    await applyYaml(cp, postgres('fw-failed'));
    const cli = run('fix-job', 'sts/pg', ...owner, '-n', 'fw-failed', '--apply');
    await stopWhenScaledDown('fw-failed');
    // the first claim's volume is not there: the script fails on it
    await runRepairs(kubelet, 'fw-failed', {}, 1);
    const r = await cli;
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^error: Job fw-failed\/volsync-perms-fix-data-pg-0-\w+: failed \(BackoffLimitExceeded\); it is kept for inspection/m,
    );
    expect(r.stderr.indexOf('scaled back to 2 replicas')).toBeLessThan(
      r.stderr.indexOf('error: Job'),
    );
    await expectRestored('fw-failed');
    expect(await jobs('fw-failed')).toEqual([
      expect.stringMatching(/^volsync-perms-fix-data-pg-0-/),
    ]);
  });

  it('Ctrl-C deletes the running Job, scales back and exits 130', async () => {
    await applyYaml(cp, postgres('fw-interrupt'));
    const { child, exited } = spawnCli(
      'fix-job',
      'sts/pg',
      ...owner,
      '-n',
      'fw-interrupt',
      '--apply',
    );
    await stopWhenScaledDown('fw-interrupt');
    await until('the first Job', async () => (await jobs('fw-interrupt'))[0]);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await expectRestored('fw-interrupt');
    expect(await jobs('fw-interrupt')).toEqual([]);
  });

  it('--timeout while its pods do not go away: scaled back, exit 4 with what it waited for', async () => {
    await applyYaml(cp, postgres('fw-timeout'));
    const r = await run(
      'fix-job',
      'sts/pg',
      ...owner,
      '-n',
      'fw-timeout',
      '--apply',
      '--timeout',
      '3s',
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^error: StatefulSet fw-timeout\/pg: not stopped within 3s, still waiting for .*; it is scaled back/m,
    );
    await expectRestored('fw-timeout');
    expect(await jobs('fw-timeout')).toEqual([]);
  });

  it('Pod Security: refused (exit 6) before anything changes without --relax-psa; with it one relaxation covers both Jobs and is restored before the scale-up', async () => {
    const restricted = { [enforce]: 'restricted' };
    await applyYaml(cp, postgres('fw-psa', restricted));
    const before = await workload('fw-psa');
    const refused = await run('fix-job', 'sts/pg', ...owner, '-n', 'fw-psa', '--apply');
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(
      /^error: Namespace fw-psa: would reject the pods of the repair Jobs; pass --relax-psa/m,
    );
    expect(await workload('fw-psa')).toEqual(before);

    const cli = run('fix-job', 'sts/pg', ...owner, '-n', 'fw-psa', '--apply', '--relax-psa');
    await stopWhenScaledDown('fw-psa');
    // while the Jobs run, one relaxation whose record names the Job running
    const holders = new Set<string>();
    const state = { served: false };
    const kubeletRuns = runRepairs(kubelet, 'fw-psa', dirs, 2).then(() => {
      state.served = true;
    });
    while (!state.served) {
      const meta = await namespaceMeta('fw-psa');
      const rec = meta.annotations[psaRecord];
      if (rec !== undefined) {
        expect(meta.labels[enforce]).toBe('baseline');
        holders.add((JSON.parse(rec) as { job: string }).job);
      }
      await sleep(50);
    }
    await kubeletRuns;
    expect(holders.size).toBe(2);
    const r = await cli;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/Pod Security enforce=baseline/g)).toHaveLength(1);
    expect(r.stderr.indexOf('Pod Security restored')).toBeLessThan(
      r.stderr.indexOf('scaled back to 2'),
    );
    const meta = await namespaceMeta('fw-psa');
    expect(meta.labels[enforce]).toBe('restricted');
    expect(meta.annotations).not.toHaveProperty(psaRecord);
    await expectRestored('fw-psa');
  });

  it('refuses (exit 6), changing nothing, when an HPA targets it or a GitOps field manager applies spec.replicas', async () => {
    await applyYaml(cp, postgres('fw-hpa'));
    const hpa = await adminRequest(
      cp,
      'POST',
      '/apis/autoscaling/v2/namespaces/fw-hpa/horizontalpodautoscalers',
      {
        metadata: { name: 'pg' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'pg' },
          minReplicas: 2,
          maxReplicas: 4,
        },
      },
    );
    expect(hpa.status, hpa.body).toBe(201);
    const byHpa = await run('fix-job', 'sts/pg', ...owner, '-n', 'fw-hpa', '--apply');
    expect(byHpa.code).toBe(6);
    expect(byHpa.stderr).toMatch(
      /^error: StatefulSet fw-hpa\/pg: HorizontalPodAutoscaler pg scales it .*; delete it for the repair/m,
    );

    await applyYaml(cp, postgres('fw-gitops'));
    const applied = await adminRequest(
      cp,
      'PATCH',
      `${stsPath('fw-gitops')}?fieldManager=kustomize-controller&force=true`,
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: {
          name: 'pg',
          labels: {
            'kustomize.toolkit.fluxcd.io/name': 'apps',
            'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          },
        },
        spec: { replicas: 2 },
      },
      'application/apply-patch+yaml',
    );
    expect(applied.status, applied.body).toBe(200);
    const before = await workload('fw-gitops');
    const byFlux = await run('fix-job', 'sts/pg', ...owner, '-n', 'fw-gitops', '--apply');
    expect(byFlux.code).toBe(6);
    expect(byFlux.stderr).toMatch(
      /^error: StatefulSet fw-gitops\/pg: field manager "kustomize-controller" owns spec.replicas \(2\) and would set it back during the repair; flux suspend kustomization apps -n flux-system, run fix-job again, then resume it$/m,
    );
    expect(await workload('fw-gitops')).toEqual(before);
    expect(await jobs('fw-gitops')).toEqual([]);
  });

  it('refuses (exit 6), changing nothing, when the workload changed between the preview and the scale-down', async () => {
    await applyYaml(cp, postgres('fw-changed'));
    const proxy = await startFaultProxy(cp.server);
    try {
      const slow = writeKubeconfig(
        cp,
        kubeconfigPath(cp, 'fix-workload-slow'),
        [cp.users.admin],
        'admin',
        proxy.url,
      );
      proxy.set([
        {
          match: /\/namespaces\/fw-changed\/pods\?dryRun=All/,
          fault: { kind: 'delay', ms: 1500 },
          times: 1,
        },
      ]);
      const cli = runCliCaptured(
        ['fix-job', 'sts/pg', ...owner, '-n', 'fw-changed', '--apply'],
        '',
        { KUBECONFIG: slow },
      );
      await until('the preview dry run', () =>
        Promise.resolve(proxy.seen.some((p) => p.includes('dryRun=All')) ? true : undefined),
      );
      // someone edits the StatefulSet while the preview is being made
      const edit = await adminRequest(
        cp,
        'PATCH',
        stsPath('fw-changed'),
        { spec: { template: { metadata: { annotations: { edited: 'yes' } } } } },
        'application/merge-patch+json',
      );
      expect(edit.status, edit.body).toBe(200);
      const edited = await workload('fw-changed');
      const r = await cli;
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(
        /^error: StatefulSet fw-changed\/pg: changed since the preview: its spec changed \(generation 1 -> 2\); run fix-job again/m,
      );
      expect(await workload('fw-changed')).toEqual(edited);
      await expectRestored('fw-changed');
    } finally {
      await proxy.close();
    }
  });

  it('a Deployment: 1 -> 0, its claim repaired, back to 1', async () => {
    await applyYaml(
      cp,
      `apiVersion: v1
kind: Namespace
metadata: {name: fw-deploy, labels: {${enforce}: baseline}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web-data, namespace: fw-deploy}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: fw-deploy}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]
`,
    );
    const cli = run('fix-job', 'deploy/web', ...owner, '-n', 'fw-deploy', '--apply');
    await stopWhenScaledDown('fw-deploy', 'web', 'deployments');
    await runRepairs(kubelet, 'fw-deploy', dirs, 1);
    const r = await cli;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Deployment fw-deploy\/web: 1 claim repaired; scaled back to 1 replica$/m,
    );
    await expectRestored('fw-deploy', 1, 'web', 'deployments');
  });
});
