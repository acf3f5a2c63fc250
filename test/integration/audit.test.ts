import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeKubelet, type FakeKubelet } from './harness/fake-kubelet.js';
import { adminRequest, applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';

// The incident of DESIGN.md §1 on a real kube-apiserver: five kopia movers of namespace incident
// ran as UID 0 on the night of 2026-11-30 (their status says when), writing 0:1000 0600 blobs
// into the NFS repository that the mover and the maintenance of namespace incident-storage (UID
// 1000) share; its own NFS path, as the other suites' demo objects are on this server too. The stand-in kubelet runs the audit Job's real walker and the repair Job's real script
// on a sandbox copy of that repository, with the UID, GID and capabilities of each Job.
const cp = inject('controlPlane');
const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'audit'), [cp.users.admin], 'admin');
const night = Date.UTC(2026, 10, 30) / 1000;
const movers = ['bookstack', 'immich', 'opencloud', 'pocket-id', 'structurizr'];
const squash = ['--nfs-squash', 'nas.home.arpa:/volsync=no_root_squash'];
/** Where the CLI keeps the audits it ran (and images): this test's own. */
const cache = mkdtempSync(join(tmpdir(), 'vp-audit-cache-'));

function kopia(ns: string, name: string): string {
  return `apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata: {name: ${name}, namespace: ${ns}}
spec:
  sourcePVC: ${name}
  trigger: {manual: once}
  kopia:
    repository: ${name}-kopia
    copyMethod: Direct
    moverSecurityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
    moverVolumes:
      - mountPath: repository
        volumeSource: {nfs: {server: nas.home.arpa, path: /volsync/audit-test}}
---
`;
}

const incident = `apiVersion: v1
kind: Namespace
metadata:
  name: incident
  annotations: {volsync.backube/privileged-movers: "true"}
  labels: {pod-security.kubernetes.io/enforce: baseline}
---
${movers.map((m) => kopia('incident', m)).join('')}apiVersion: v1
kind: Namespace
metadata: {name: incident-storage}
---
${kopia('incident-storage', 'garage')}apiVersion: volsync.backube/v1alpha1
kind: KopiaMaintenance
metadata: {name: daily, namespace: incident-storage}
spec:
  repository: {repository: maintenance-kopia}
  trigger: {schedule: "0 */8 * * *"}
  podSecurityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
  moverVolumes:
    - mountPath: repository
      volumeSource: {nfs: {server: nas.home.arpa, path: /volsync/audit-test}}
`;

/** Each mover's last sync, as VolSync writes it: the night's run, 00:00:20 to about 00:01. */
async function recordRuns(): Promise<void> {
  for (const [i, m] of movers.entries()) {
    const path = `/apis/volsync.backube/v1alpha1/namespaces/incident/replicationsources/${m}`;
    const rs = JSON.parse((await adminRequest(cp, 'GET', path)).body) as Record<string, unknown>;
    const end = new Date((night + 40 + i * 4) * 1000).toISOString().replace('.000Z', 'Z');
    const r = await adminRequest(cp, 'PUT', `${path}/status`, {
      ...rs,
      status: { lastSyncTime: end, lastSyncDuration: `${20 + i * 4}s` },
    });
    if (r.status !== 200) throw new Error(`status of ${m}: ${r.status} ${r.body}`);
  }
}

/** A sandbox kopia repository: a month of 1000:1000 blobs, then the night's 0:1000 ones. */
function repository(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'vp-audit-')), 'kopia');
  mkdirSync(join(root, 'p/old'), { recursive: true });
  mkdirSync(join(root, 'p/new'));
  const blob = (rel: string, uid: number, gid: number, t: number) => {
    writeFileSync(join(root, rel), 'blob', { mode: 0o600 });
    chownSync(join(root, rel), uid, gid);
    utimesSync(join(root, rel), t, t);
  };
  for (let i = 0; i < 40; i++) blob(`p/old/b${i}`, 1000, 1000, night - 86400 * (1 + (i % 20)));
  for (let i = 0; i < 30; i++) blob(`p/new/r${i}`, 0, 1000, night + 25 + i);
  // directories last: a file created in one changes its mtime
  for (const [d, uid, t] of [
    ['p/old', 1000, night - 86400],
    ['p/new', 0, night + 25],
    ['p', 1000, night - 20 * 86400],
    ['', 1000, night - 20 * 86400],
  ] as const) {
    chownSync(join(root, d), uid, 1000);
    chmodSync(join(root, d), 0o700);
    utimesSync(join(root, d), t, t);
  }
  return root;
}

function cli(...argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/kubectl-volsync_perms', ...argv], {
    env: { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', XDG_CACHE_HOME: cache },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      resolve({ code, stdout, stderr });
    }),
  );
}

async function jobNamed(ns: string, prefix: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const list = JSON.parse(
      (await adminRequest(cp, 'GET', `/apis/batch/v1/namespaces/${ns}/jobs`)).body,
    ) as {
      items: { metadata: { name: string; deletionTimestamp?: string } }[];
    };
    const j = list.items.find(
      (x) => x.metadata.name.startsWith(prefix) && !x.metadata.deletionTimestamp,
    );
    if (j) return j.metadata.name;
    await sleep(100);
  }
  throw new Error(`no Job ${prefix}* in ${ns}`);
}

describe('audit and fix-job on the incident, on a real API server with a stand-in kubelet', () => {
  let kubelet: FakeKubelet;
  let repo: string;

  beforeAll(async () => {
    await applyYaml(cp, incident);
    await recordRuns();
    kubelet = await startFakeKubelet(cp, 'audit-node');
    repo = repository();
  });

  afterAll(async () => {
    await kubelet.stop();
    rmSync(join(repo, '..'), { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('audit --run walks the repository read-only, names the five movers that wrote the 0:1000 files and the sharers that cannot read them, and deletes its Job', async () => {
    const audit = cli(
      'audit',
      'rs/bookstack',
      '--volume',
      'repository',
      '-n',
      'incident',
      '--run',
      ...squash,
    );
    const job = await jobNamed('incident', 'volsync-perms-audit-');
    const spec = JSON.parse(
      (await adminRequest(cp, 'GET', `/apis/batch/v1/namespaces/incident/jobs/${job}`)).body,
    ) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    expect(spec.spec.template.spec.containers[0]?.['securityContext']).toMatchObject({
      runAsUser: 0,
      capabilities: { drop: ['ALL'], add: ['DAC_OVERRIDE'] },
      readOnlyRootFilesystem: true,
    });
    expect(await kubelet.runJob('incident', job, repo, 500)).toBe(0);
    const r = await audit;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^0:1000 +file +0600 +30 /m);
    expect(r.stdout).toMatch(/^0:1000 +dir +0700 +1 /m);
    expect(r.stdout).toMatch(/^1000:1000 +file +0600 +40 /m);
    expect(r.stdout).toMatch(
      /^- 0:1000: 31 files and directories modified 2026-11-30 00:00:25–00:00:54 UTC: written by ReplicationSource incident\/bookstack, immich, opencloud, pocket-id, structurizr \(runs 2026-11-30 00:00:20–00:00:56 UTC; each privileged now\)$/m,
    );
    expect(r.stdout).toMatch(
      /^- KopiaMaintenance incident-storage\/daily; ReplicationSource incident-storage\/garage \(1000:1000\): cannot read or write 30 files \(0:1000 0600, /m,
    );
    const gone = await adminRequest(cp, 'GET', `/apis/batch/v1/namespaces/incident/jobs/${job}`);
    expect(gone.status).toBe(404);
    // nothing on the volume changed: the walk is read-only
    expect(lstatSync(join(repo, 'p/new/r0')).uid).toBe(0);
  });

  it('explain afterwards reports VP023 from the audit kept on this machine, for this cluster only', async () => {
    const r = await cli('explain', '-A', ...squash);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^VP023 error: KopiaMaintenance incident-storage\/daily \(1000:1000\), ReplicationSource incident-storage\/garage \(1000:1000\) cannot read 31 files and directories \(0:1000 0700, 0:1000 0600, .*audit --run, Job incident\/volsync-perms-audit-nfs-/m,
    );
    const offline = await cli('explain', '-A', '--demo');
    expect(offline.stdout).not.toMatch(/incident-storage/);
  });

  it('fix-job --from-audit repairs exactly the classes the audit found: the 0:1000 files and directory, and nothing else', async () => {
    const saved = join(repo, '..', 'audit.log');
    const job = cli(
      'audit',
      'rs/bookstack',
      '--volume',
      'repository',
      '-n',
      'incident',
      '--run',
      ...squash,
      '-o',
      'json',
    );
    const name = await jobNamed('incident', 'volsync-perms-audit-');
    expect(await kubelet.runJob('incident', name, repo, 500)).toBe(0);
    expect((await job).code).toBe(0);
    // the log as `kubectl logs job/NAME > FILE` saves it: the kubelet's container log
    writeFileSync(saved, kubelet.lastLog());
    const repair = cli(
      'fix-job',
      'rs/bookstack',
      '--volume',
      'repository',
      '-n',
      'incident',
      '--from-audit',
      saved,
      ...squash,
      '--apply',
      '--wait',
    );
    const fix = await jobNamed('incident', 'volsync-perms-fix-');
    expect(await kubelet.runJob('incident', fix, repo, 500)).toBe(0);
    const r = await repair;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout, r.stderr).toMatch(
      /succeeded: 31 of 74 files changed; volume root now 1000:1000 700/,
    );
    expect(r.stderr).toMatch(/fix-ownership: .* -> 1000:1000 \(only files owned by 0:1000\)/);
    expect(lstatSync(join(repo, 'p/new/r7')).uid).toBe(1000);
    expect(lstatSync(join(repo, 'p/new')).uid).toBe(1000);
    // what the audit did not name kept its times: a repair touches only what it changes
    expect(lstatSync(join(repo, 'p/old/b3')).ctimeMs).toBeLessThan(
      lstatSync(join(repo, 'p/new/r7')).ctimeMs,
    );
  });
});
