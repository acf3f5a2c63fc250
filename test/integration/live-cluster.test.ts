import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demoManifests } from '../../src/adapters/manifests/demo-manifests.js';
import { demoExports } from '../../src/adapters/manifests/demo-storage.js';
import { golden, runCliCaptured } from '../run-cli.js';
import { freePort } from './harness/control-plane.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';

const cp = inject('controlPlane');
const admin = writeKubeconfig(
  cp,
  kubeconfigPath(cp, 'live-admin'),
  [cp.users.admin, cp.users.reader],
  'admin',
);
const live = (argv: string[], kubeconfig = admin) =>
  runCliCaptured(argv, '', { KUBECONFIG: kubeconfig });

describe('explain and effective-uid against a real kube-apiserver', () => {
  beforeAll(async () => {
    await applyYaml(cp, demoManifests);
  });

  it.each([
    ['explain-demo-default', ['explain', 'ns/default']],
    ['explain-demo-default-wide', ['explain', 'ns/default', '-o', 'wide']],
    ['explain-demo-n-media', ['explain', '-n', 'media']],
    ['effective-uid-rs-bookstack', ['effective-uid', 'rs/bookstack']],
  ])(
    'prints what the same objects read from files print, given the same storage facts (%s)',
    async (name, argv) => {
      // the demo knows the incident's export; the cluster learns it from the flag
      const e = demoExports[0];
      const flag = `${e?.server ?? ''}:${e?.path ?? ''}=${e?.squash.mode ?? ''}`;
      const fromServer = await live([...argv, '--nfs-squash', flag]);
      // the demo holds the same VolSync controller Deployment as the cluster: the same version
      const fromFiles = readFileSync(`test/golden/${name}.txt`, 'utf8').replaceAll(
        e?.source ?? '',
        `--nfs-squash ${flag}`,
      );
      expect(golden(fromServer)).toBe(fromFiles);
    },
  );

  // the demo's recorded audit is the demo's: the cluster is compared with its manifests as -f.
  // Namespaced, not -A: other test files add namespaces of their own to this shared server.
  it.each([
    ["kopiur's objects through kopiur's CRDs", ['explain', '-n', 'tools', '-o', 'wide']],
    [
      'the migration preview of privileged movers',
      ['explain', '-n', 'default', '--what-if', 'migrate-kopiur'],
    ],
    [
      "the migration preview of a destination's dropped context",
      ['explain', '-n', 'media', '--what-if', 'migrate-kopiur', '-o', 'json'],
    ],
  ])('%s: what the same manifests read with -f print', async (_what, argv) => {
    const file = join(cp.dir, 'demo-manifests.yaml');
    writeFileSync(file, demoManifests);
    const flags = ['--nfs-squash', 'nas.home.arpa:/volsync=no_root_squash', '--offline'];
    const fromServer = await live([...argv, ...flags]);
    const fromFiles = await runCliCaptured([...argv, ...flags, '-f', file]);
    expect(fromServer.code).toBe(0);
    expect(fromServer.stdout).toContain('kopiur');
    expect(fromServer.stdout).toBe(fromFiles.stdout);
  });
});

describe('degraded access', () => {
  beforeAll(async () => {
    await applyYaml(cp, demoManifests);
    await applyYaml(cp, readFileSync('test/fixtures/cluster/reader-rbac.yaml', 'utf8'));
  });

  it('a user who may read only the movers of default gets a partial report naming each missing permission, exit 0', async () => {
    const r = await live(['explain', 'ns/default', '--context', 'reader']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: RBAC forbids 26 reads \(list clusterrepositories\.kopiur\.home-operations\.com \(all namespaces\); list cronjobs\.batch in namespace default; /,
    );
    expect(r.stdout).toContain('depends on RBAC: list persistentvolumes (all namespaces)');
    expect(r.stdout).toContain('rs/bookstack');
    await expect(golden(r)).toMatchFileSnapshot('../golden/live/explain-default-as-reader.txt');
  });

  it('an unreachable server ends in exit 4 with one line naming it', async () => {
    const closed = writeKubeconfig(
      cp,
      kubeconfigPath(cp, 'closed'),
      [cp.users.admin],
      'admin',
      `https://127.0.0.1:${await freePort()}`,
    );
    const r = await live(['explain', 'ns/default', '--request-timeout', '2s'], closed);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^error: cluster https:\/\/127\.0\.0\.1:\d+ \(context admin\): get API volsync\.backube\/v1alpha1: ECONNREFUSED after 4 attempts; check that the server is up/,
    );
  });
});

describe('reading a cluster at scale and with any kubeconfig user', () => {
  const many = 600;
  beforeAll(async () => {
    await applyYaml(cp, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: many}\n');
    const docs = Array.from(
      { length: many },
      (_, i) => `apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata: {name: app-${String(i).padStart(3, '0')}, namespace: many}
spec:
  sourcePVC: app-${i}
  restic: {repository: app-${i}, moverSecurityContext: {runAsUser: 1000, runAsGroup: 1000}}
`,
    );
    await applyYaml(cp, docs.join('---\n'));
  });

  it('lists more than one page (limit/continue) and each kind once, not once per namespace; a namespace whose repositories are its own Secrets reads only its own movers', async () => {
    const r = await live(['explain', 'ns/many', '-v']);
    expect(r.code).toBe(0);
    // the real kube-apiserver speaks HTTP/2: every request of the run on one connection
    expect(r.stderr).toContain('I protocol: HTTP/2\n');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('rs/app-'))).toHaveLength(many);
    const rs = /I list replicationsources\.volsync\.backube: (\d+) requests, (\d+) items/.exec(
      r.stderr,
    );
    expect(Number(rs?.[1])).toBe(2);
    expect(Number(rs?.[2])).toBe(many);
    const all = await live(['explain', '-A', '-v']);
    for (const m of all.stderr.matchAll(/I list (\S+): (\d+) requests?, (\d+) items/g))
      expect(Number(m[2]), m[1]).toBeLessThanOrEqual(Math.max(1, Math.ceil(Number(m[3]) / 500)));
  });

  it('authenticates through an exec credential plugin', async () => {
    const plugin = kubeconfigPath(cp, 'exec-plugin.mjs');
    writeFileSync(
      plugin,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${JSON.stringify(cp.users.admin.token)} } }));\n`,
    );
    const file = kubeconfigPath(cp, 'exec');
    writeFileSync(
      file,
      dump({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'exec',
        clusters: [
          { name: 'test', cluster: { server: cp.server, 'certificate-authority': cp.caFile } },
        ],
        users: [
          {
            name: 'exec',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: process.execPath,
                args: [plugin],
                interactiveMode: 'Never',
              },
            },
          },
        ],
        contexts: [
          { name: 'exec', context: { cluster: 'test', user: 'exec', namespace: 'media' } },
        ],
      }),
    );
    const r = await live(['explain'], file);
    expect(r.stderr).toBe('');
    expect(golden(r)).toBe(readFileSync('test/golden/explain-demo-n-media.txt', 'utf8'));
  });
});
