import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';
import { startFakeKubelet } from './harness/fake-kubelet.js';
import { adminRequest, applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';

// The harness has no job controller and no kubelet: a Job stays without pods. The tests play the
// job controller where the tool waits for an outcome, by setting the Job's status themselves.
const cp = inject('controlPlane');
const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'fix-job'), [cp.users.admin], 'admin');
const env = { KUBECONFIG: kubeconfig };
const readerKubeconfig = writeKubeconfig(
  cp,
  kubeconfigPath(cp, 'fix-job-reader'),
  [cp.users.reader],
  'reader',
);
const run = (...argv: string[]) => runCliCaptured(argv, '', env);
const owner = ['--uid', '1000', '--gid', '1000'];
/** The repair of PVC `data` in `ns` as an operator runs it on a restricted namespace. */
const relaxedRepair = (ns: string) =>
  ['fix-job', 'pvc/data', ...owner, '-n', ns, '--apply', '--wait', '--relax-psa'] as const;
const enforce = 'pod-security.kubernetes.io/enforce';
const record = 'volsync-perms.io/pod-security-relaxed';

const restrictedLabels = {
  [enforce]: 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'v1.31',
  'pod-security.kubernetes.io/warn': 'restricted',
};

function namespaceYaml(name: string, labels: Record<string, string>): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: ${name}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
}

async function getJson(path: string): Promise<Record<string, unknown> | undefined> {
  const r = await adminRequest(cp, 'GET', path);
  return r.status === 404 ? undefined : (JSON.parse(r.body) as Record<string, unknown>);
}

async function namespaceMeta(ns: string) {
  const o = (await getJson(`/api/v1/namespaces/${ns}`)) as {
    metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  };
  return { labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {} };
}

async function jobItems(ns: string) {
  const list = (await getJson(`/apis/batch/v1/namespaces/${ns}/jobs`)) as {
    items: { metadata: { name: string; uid: string; deletionTimestamp?: string } }[];
  };
  return list.items.filter((j) => !j.metadata.deletionTimestamp).map((j) => j.metadata);
}

const jobs = async (ns: string) => (await jobItems(ns)).map((j) => j.name);

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Waits for the tool to have relaxed the namespace and created its Job (another than `notUid`, the
 * Job of an earlier run); returns the Job.
 */
async function relaxedWithJob(ns: string, notUid?: string): Promise<{ name: string; uid: string }> {
  return until(`the relaxed namespace ${ns} and its Job`, async () => {
    const meta = await namespaceMeta(ns);
    const job = (await jobItems(ns)).find((j) => j.uid !== notUid);
    return meta.labels[enforce] === 'baseline' && record in meta.annotations ? job : undefined;
  });
}

/** What the job controller writes when the pod succeeded. */
async function completeJob(ns: string, name: string): Promise<void> {
  const now = new Date().toISOString();
  const r = await adminRequest(
    cp,
    'PUT',
    `/apis/batch/v1/namespaces/${ns}/jobs/${name}/status`,
    await withStatus(ns, name, {
      startTime: now,
      completionTime: now,
      succeeded: 1,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now, lastProbeTime: now },
        { type: 'Complete', status: 'True', lastTransitionTime: now, lastProbeTime: now },
      ],
    }),
  );
  if (r.status !== 200) throw new Error(`complete Job ${name}: ${r.status} ${r.body}`);
}

async function withStatus(ns: string, name: string, status: unknown) {
  const job = await getJson(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`);
  return { ...job, status };
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

describe('fix-job on a real API server: Pod Security decides, labels always come back', () => {
  beforeAll(async () => {
    await applyYaml(cp, namespaceYaml('fj-baseline', { [enforce]: 'baseline' }));
    for (const ns of ['fj-restricted', 'fj-killed', 'fj-interrupt', 'fj-timeout'])
      await applyYaml(cp, namespaceYaml(ns, restrictedLabels));
  });

  it('under baseline the server-side dry run admits the Job pod, and the preview creates nothing', async () => {
    const r = await run('fix-job', 'pvc/data', ...owner, '-n', 'fj-baseline');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/server dry-run: the API server admits the Job's pod/);
    // the image the cluster's VolSync controller runs movers in, read from its Deployment
    expect(r.stdout).toMatch(
      /image: +quay\.io\/backube\/volsync:0\.17\.0 \(the VolSync mover image: the VolSync controller Deployment\//,
    );
    expect(r.stderr).toMatch(/Nothing was changed/);
    expect(await jobs('fj-baseline')).toEqual([]);
  });

  it('under restricted the real Pod Security admission rejects it, and --apply alone is refused (exit 6) before anything is written', async () => {
    const preview = await run('fix-job', 'pvc/data', ...owner, '-n', 'fj-restricted');
    expect(preview.stdout).toMatch(
      /server dry-run: rejected: .*violates PodSecurity "restricted:v1.31"/,
    );
    const r = await run('fix-job', 'pvc/data', ...owner, '-n', 'fj-restricted', '--apply');
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/would reject its pods .*; pass --relax-psa/);
    expect(await jobs('fj-restricted')).toEqual([]);
    expect((await namespaceMeta('fj-restricted')).labels).toMatchObject(restrictedLabels);
  });

  it('--relax-psa admits it at baseline for the Job lifetime and restores the exact labels when it ends', async () => {
    const cli = run(...relaxedRepair('fj-restricted'));
    const { name: job } = await relaxedWithJob('fj-restricted');
    expect((await namespaceMeta('fj-restricted')).labels).not.toHaveProperty(
      'pod-security.kubernetes.io/enforce-version',
    );
    await completeJob('fj-restricted', job);
    const r = await cli;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /enforce=baseline for the Job's lifetime \(was enforce=restricted, enforce-version=v1.31/,
    );
    expect(r.stdout).toMatch(/succeeded; its log is not readable/);
    const meta = await namespaceMeta('fj-restricted');
    expect(meta.labels).toMatchObject(restrictedLabels);
    expect(meta.annotations).not.toHaveProperty(record);
    expect(await jobs('fj-restricted')).toEqual([]);
  });

  it('killed mid-run: the labels stay recorded, a preview says so, and the next --apply run restores them and removes the dead run Job', async () => {
    const { child, exited } = spawnCli(...relaxedRepair('fj-killed'));
    const dead = await relaxedWithJob('fj-killed');
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    expect((await namespaceMeta('fj-killed')).labels[enforce]).toBe('baseline');

    const preview = await run('fix-job', 'pvc/data', ...owner, '-n', 'fj-killed');
    expect(preview.stderr).toMatch(
      /a fix-job run that died left Pod Security relaxed to baseline .*run with --apply to restore it/,
    );
    expect((await namespaceMeta('fj-killed')).labels[enforce]).toBe('baseline');

    const again = run(...relaxedRepair('fj-killed'));
    const job = await relaxedWithJob('fj-killed', dead.uid);
    await completeJob('fj-killed', job.name);
    const r = await again;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /restored Pod Security \(enforce=restricted, enforce-version=v1.31\) left relaxed by a fix-job run that died; deleted its Job/,
    );
    const meta = await namespaceMeta('fj-killed');
    expect(meta.labels).toMatchObject(restrictedLabels);
    expect(meta.annotations).not.toHaveProperty(record);
  });

  it('Ctrl-C deletes the Job, restores the labels and exits 130', async () => {
    const { child, exited } = spawnCli(...relaxedRepair('fj-interrupt'));
    await relaxedWithJob('fj-interrupt');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const meta = await namespaceMeta('fj-interrupt');
    expect(meta.labels).toMatchObject(restrictedLabels);
    expect(meta.annotations).not.toHaveProperty(record);
    expect(await jobs('fj-interrupt')).toEqual([]);
  });

  it('--timeout deletes the Job, restores the labels and exits 4 with the next step', async () => {
    const r = await run(
      'fix-job',
      'pvc/data',
      ...owner,
      '-n',
      'fj-timeout',
      '--apply',
      '--wait',
      '--relax-psa',
      '--timeout',
      '2s',
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/did not finish within 2s; deleted it.*kubectl describe job/);
    expect((await namespaceMeta('fj-timeout')).labels).toMatchObject(restrictedLabels);
    expect(await jobs('fj-timeout')).toEqual([]);
  });

  it('--count runs a read-only twin of the Job (read-only volume, DAC_OVERRIDE only), reports, and deletes it', async () => {
    await applyYaml(cp, namespaceYaml('fj-count', { [enforce]: 'baseline' }));
    const cli = run('fix-job', 'pvc/data', ...owner, '-n', 'fj-count', '--count');
    const name = await until('the count Job', async () => (await jobs('fj-count'))[0]);
    expect(name).toMatch(/^volsync-perms-count-data-/);
    const job = (await getJson(`/apis/batch/v1/namespaces/fj-count/jobs/${name}`)) as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const c = job.spec.template.spec.containers[0];
    expect(c?.['volumeMounts']).toEqual([{ name: 'volume', mountPath: '/volume', readOnly: true }]);
    expect(c?.['securityContext']).toMatchObject({
      capabilities: { drop: ['ALL'], add: ['DAC_OVERRIDE'] },
    });
    expect(c?.['env']).toContainEqual({ name: 'FIX_MODE', value: 'count' });
    await completeJob('fj-count', name);
    const r = await cli;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Count: the count Job succeeded but its log is not readable/);
    expect(await jobs('fj-count')).toEqual([]);
  });

  it('end to end with a stand-in kubelet running the Job: the real script repairs the volume, the log and counts come back through the API server, and a second run changes nothing', async () => {
    await applyYaml(cp, namespaceYaml('fj-e2e', { [enforce]: 'baseline' }));
    const kubelet = await startFakeKubelet(cp, 'fj-node');
    const volume = mkdtempSync(join(tmpdir(), 'vp-fix-e2e-'));
    try {
      mkdirSync(join(volume, 'repo'));
      for (const f of ['repo', 'repo/index', 'repo/blob with space']) {
        if (f !== 'repo') writeFileSync(join(volume, f), 'x');
        chownSync(join(volume, f), 0, 1000);
      }
      const repair = async () => {
        const cli = run('fix-job', 'pvc/data', ...owner, '-n', 'fj-e2e', '--apply', '--wait', '-v');
        const name = await until('the repair Job', async () => (await jobs('fj-e2e'))[0]);
        expect(await kubelet.runJob('fj-e2e', name, volume)).toBe(0);
        return cli;
      };
      const first = await repair();
      expect(first.code, first.stderr).toBe(0);
      // the log streams to stderr while the Job runs; the summary is the result
      expect(first.stderr).toMatch(/^changed: .*\/repo\/blob\\ with\\ space$/m);
      expect(first.stderr.match(/^summary: /gm)).toHaveLength(1);
      expect(first.stderr).toMatch(/^I following the log of Pod fj-e2e\/volsync-perms-fix-data-/m);
      expect(first.stdout).toMatch(
        /succeeded: 4 of 4 files changed; volume root now 1000:1000 \d+/,
      );
      expect(lstatSync(join(volume, 'repo/index')).uid).toBe(1000);
      expect(await jobs('fj-e2e')).toEqual([]);
      const second = await repair();
      expect(second.stdout).toMatch(/succeeded: 0 of 4 files changed/);
    } finally {
      await kubelet.stop();
      rmSync(volume, { recursive: true, force: true });
    }
  });

  it('a user RBAC lets read but not write gets the preview without the dry run, and --apply ends with the permission to ask for (exit 4)', async () => {
    // read everything in that namespace, write nothing (the built-in view role is aggregated by
    // kube-controller-manager, which the harness does not run, so it is empty here)
    await applyYaml(
      cp,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: read-all, namespace: fj-baseline}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers-read-all, namespace: fj-baseline}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-all}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: volsync-readers}]
`,
    );
    await until('the RoleBinding to reach the authorizer', async () => {
      const review = await adminRequest(
        cp,
        'POST',
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: 'reader',
            groups: ['volsync-readers'],
            resourceAttributes: { namespace: 'fj-baseline', verb: 'list', resource: 'pods' },
          },
        },
      );
      return (JSON.parse(review.body) as { status?: { allowed?: boolean } }).status?.allowed
        ? true
        : undefined;
    });
    const asReader = (...argv: string[]) =>
      runCliCaptured(argv, '', { KUBECONFIG: readerKubeconfig });
    const preview = await asReader('fix-job', 'pvc/data', ...owner, '-n', 'fj-baseline');
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(
      /server dry-run: not run: RBAC forbids create pods in namespace fj-baseline/,
    );
    const r = await asReader('fix-job', 'pvc/data', ...owner, '-n', 'fj-baseline', '--apply');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^error: RBAC forbids create jobs.batch in namespace fj-baseline: .*; ask a cluster admin for that permission$/m,
    );
  });

  it('a second --apply while the first Job runs is refused (exit 6), and the first Job is left alone', async () => {
    const first = await run('fix-job', 'pvc/data', ...owner, '-n', 'fj-baseline', '--apply');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/job.batch\/volsync-perms-fix-data-\w+ created/);
    const second = await run('fix-job', 'pvc/data', ...owner, '-n', 'fj-baseline', '--apply');
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(/already running for this volume/);
    expect(await jobs('fj-baseline')).toHaveLength(1);
  });
});
