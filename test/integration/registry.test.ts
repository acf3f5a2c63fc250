import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/adapters/registry/client.js';
import { runCliCaptured } from '../run-cli.js';
import { readFacts } from './harness/read-facts.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import {
  pushImage,
  pushIndex,
  pushManifestWithMissingConfig,
  type LayerSpec,
  type TestImage,
} from './harness/images.js';
import {
  IDENTITY_TOKEN,
  resolveRegistryTools,
  startRegistry,
  type RegistryAuthMode,
  type TestRegistry,
} from './harness/registry.js';

const run = promisify(execFile);

const base: LayerSpec = {
  files: [
    {
      path: '/etc/passwd',
      content: 'root:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\nghost:x:1001:1001::/:/bin/sh\n',
    },
    { path: '/etc/group', content: 'root:x:0:\napp:x:1000:\nbackup:x:34:app\n' },
  ],
};
const image = (user: string, ...upper: LayerSpec[]): TestImage => ({
  config: { User: user },
  layers: [base, ...upper],
});
/** An upper layer that deletes /etc/passwd with a whiteout, then one that adds filler. */
const withoutPasswd = image(
  'ghost',
  { whiteouts: ['/etc/passwd'] },
  { files: [{ path: '/srv/x', content: 'x' }] },
);

for (const mode of ['none', 'basic', 'token'] as RegistryAuthMode[]) {
  describe(`reading images from a real registry (auth: ${mode})`, () => {
    let reg: TestRegistry;
    let tools = '';
    let dockerConfig = '';
    const cacheDir = mkdtempSync(join(tmpdir(), 'image-cache-'));
    const client = () =>
      new RegistryClient({
        insecure: [],
        timeoutMs: 10_000,
        credential: () => (mode === 'basic' ? { kind: 'basic', ...reg.credentials } : undefined),
      });
    const read = (images: string[], platform = { os: 'linux', architecture: 'amd64' }) =>
      readFacts(client(), images, { platform, cacheDir, concurrency: 4 });

    beforeAll(async () => {
      tools = await resolveRegistryTools();
      reg = await startRegistry(tools, mode);
      await pushImage(reg, 'id/numeric', '1', image('1000'));
      await pushImage(reg, 'id/pair', '1', image('1000:2000'));
      await pushImage(reg, 'id/named', '1', image('app'));
      await pushImage(reg, 'id/whiteout', '1', withoutPasswd);
      await pushImage(reg, 'id/docker', '1', image('app'), { format: 'docker' });
      await pushIndex(reg, 'id/multi', '1', [
        { platform: { os: 'linux', architecture: 'amd64' }, image: image('1000') },
        { platform: { os: 'linux', architecture: 'arm64' }, image: image('2000:3000') },
      ]);
      await pushManifestWithMissingConfig(reg, 'id/broken', '1', image('1000'));
      dockerConfig = mkdtempSync(join(tmpdir(), 'docker-config-'));
      writeFileSync(
        join(dockerConfig, 'config.json'),
        JSON.stringify(
          mode === 'basic'
            ? {
                auths: {
                  [reg.host]: {
                    auth: Buffer.from(
                      `${reg.credentials.username}:${reg.credentials.password}`,
                    ).toString('base64'),
                  },
                },
              }
            : {},
        ),
      );
    }, 600_000);
    afterAll(async () => {
      await reg.stop();
    });

    it('reports the config User crane reports, for every image form', async () => {
      const refs = ['numeric', 'pair', 'named', 'whiteout', 'docker', 'multi'].map(
        (r) => `${reg.host}/id/${r}:1`,
      );
      const facts = await read(refs);
      for (const [i, ref] of refs.entries()) {
        const { stdout } = await run(join(tools, 'crane'), ['config', ref, '--insecure'], {
          env: { ...process.env, DOCKER_CONFIG: dockerConfig },
        });
        const peer = (JSON.parse(stdout) as { config?: { User?: string } }).config?.User ?? '';
        expect(facts[i]?.user, ref).toBe(peer);
      }
    });

    it('asks a tag again after its TTL, but reads the layers of a known digest only once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ttl-cache-'));
      const at = (now: number) => {
        const c = client();
        const facts = readFacts(c, [`${reg.host}/id/named:1`], { cacheDir: dir, now: () => now });
        return facts.then(([f]) => ({ requests: c.requests, user: f?.user }));
      };
      const cold = await at(0);
      const fresh = await at(30_000);
      const stale = await at(120_000);
      expect(fresh).toEqual({ requests: 0, user: 'app' });
      expect(stale.user).toBe('app');
      expect(stale.requests).toBeGreaterThan(0);
      expect(stale.requests).toBeLessThan(cold.requests);
    });

    // a token server tells the pusher apart from anonymous pulls: the exchange is observable
    if (mode === 'token')
      it('exchanges a docker login identity token for a registry token (OAuth2 refresh grant)', async () => {
        const c = new RegistryClient({
          insecure: [],
          timeoutMs: 10_000,
          credential: () => ({ kind: 'identity-token', token: IDENTITY_TOKEN }),
        });
        const before = reg.tokenRequests.length;
        const [facts] = await readFacts(c, [`${reg.host}/id/numeric:1`]);
        expect(facts?.user).toBe('1000');
        const asked = reg.tokenRequests.slice(before);
        expect(asked.length).toBeGreaterThan(0);
        expect(asked.every((t) => t.user === reg.credentials.username && t.status === 200)).toBe(
          true,
        );
      });

    it('turns a user name into its /etc/passwd entry and reads /etc/group, lower layers included', async () => {
      const [named] = await read([`${reg.host}/id/named:1`]);
      expect(named?.passwd).toContainEqual({ name: 'app', uid: 1000, gid: 1000 });
      expect(named?.group).toContainEqual({ name: 'backup', gid: 34, members: ['app'] });
    });

    it('honours a whiteout in an upper layer: /etc/passwd is gone', async () => {
      const [gone] = await read([`${reg.host}/id/whiteout:1`]);
      expect([gone?.user, gone?.passwd]).toEqual(['ghost', []]);
      expect(gone?.group?.length).toBeGreaterThan(0);
    });

    it('picks the platform from a multi-arch index', async () => {
      const [arm] = await read([`${reg.host}/id/multi:1`], { os: 'linux', architecture: 'arm64' });
      expect(arm?.user).toBe('2000:3000');
    });

    it('a missing config blob leaves the image unknown, with the reason', async () => {
      const [broken] = await read([`${reg.host}/id/broken:1`]);
      expect(broken?.user).toBeNull();
      expect(broken?.source).toMatch(/registry: .*not found \(HTTP 404\)/);
    });

    it('an image the registry does not have is unknown with the reason (exit 0), or exit 5 with --require-image', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'pod-')), 'pod.yaml');
      writeFileSync(
        file,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  containers: [{name: c, image: ${reg.host}/id/absent:1}]\n`,
      );
      const env = {
        XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'xdg-')),
        DOCKER_CONFIG: dockerConfig,
      };
      const argv = ['effective-uid', 'pod/p', '-n', 'apps', '-f', file];
      const lenient = await runCliCaptured(argv, '', env, true);
      expect(lenient.code).toBe(0);
      expect(lenient.stdout).toMatch(
        /registry: 127\.0\.0\.1:\d+\/id\/absent manifests: not found \(HTTP 404\)/,
      );
      const strict = await runCliCaptured([...argv, '--require-image'], '', env, true);
      expect(strict.code).toBe(5);
      expect(strict.stderr).toMatch(/^error: image 127\.0\.0\.1:\d+\/id\/absent:1: .*not found/);
    });

    // only a registry that refuses anonymous pulls shows that the secret was used
    if (mode === 'basic')
      it("--use-pull-secrets pulls with the pod's image pull secret read from the cluster, and never prints it", async () => {
        const cp = inject('controlPlane');
        const auth = Buffer.from(
          `${reg.credentials.username}:${reg.credentials.password}`,
        ).toString('base64');
        const dockerconfig = Buffer.from(
          JSON.stringify({ auths: { [reg.host]: { auth } } }),
        ).toString('base64');
        await applyYaml(
          cp,
          `apiVersion: v1
kind: Namespace
metadata: {name: pulls}
---
apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: pulls}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: ${dockerconfig}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: pulls}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      imagePullSecrets: [{name: regcred}]
      containers: [{name: app, image: ${reg.host}/id/named:1}]
`,
        );
        const kubeconfig = writeKubeconfig(
          cp,
          kubeconfigPath(cp, 'pulls'),
          [cp.users.admin],
          'admin',
        );
        const env = { KUBECONFIG: kubeconfig, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'xdg-')) };
        const argv = ['effective-uid', 'deploy/app', '-n', 'pulls'];
        const without = await runCliCaptured(argv, '', env, true);
        expect(without.stdout).toMatch(/asks for a username and password; docker login/);
        const withSecret = await runCliCaptured([...argv, '--use-pull-secrets'], '', env, true);
        expect(withSecret.stdout).toMatch(/UID 1000: \/etc\/passwd entry of image user app/);
        for (const out of [withSecret.stdout, withSecret.stderr])
          expect(out).not.toContain(reg.credentials.password);
      });

    it('explain -v: the second run on the same input makes zero registry requests', async () => {
      const manifests = join(mkdtempSync(join(tmpdir(), 'apps-')), 'apps.yaml');
      writeFileSync(
        manifests,
        `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata: {name: db, namespace: apps}
spec: {sourcePVC: db, restic: {repository: db, moverSecurityContext: {runAsUser: 1000, runAsGroup: 1000}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: apps}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: ${reg.host}/id/named:1}]
      volumes: [{name: d, persistentVolumeClaim: {claimName: db}}]
`,
      );
      const env = {
        XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'xdg-')),
        DOCKER_CONFIG: dockerConfig,
      };
      // the mover image is public (quay.io): given here, so only the test registry is asked
      const argv = [
        'effective-uid',
        'deploy/db',
        '-n',
        'apps',
        '-f',
        manifests,
        '-v',
        '--image-user',
        'quay.io/backube/volsync=',
      ];
      const cold = await runCliCaptured(argv, '', env, true);
      const warm = await runCliCaptured(argv, '', env, true);
      expect(cold.stderr).toMatch(/I registry: [1-9]\d* requests/);
      expect(warm.stderr).toMatch(
        /I registry: 0 requests, 0 KiB, 1 images \(1 cached, 0 unknown\)/,
      );
      // the same facts; only where they came from differs
      expect(warm.stdout.replace('(cached)', '(read)')).toBe(cold.stdout);
      expect(cold.stdout).toMatch(
        /runtime\s+uid\s+1000\s+UID 1000: \/etc\/passwd entry of image user app/,
      );
    });
  });
}
