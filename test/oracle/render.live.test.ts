import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFile, demoManifests } from '../../src/adapters/manifests/demo-manifests.js';
import { demoSnapshot } from '../../src/adapters/manifests/demo-snapshot.js';
import { parseYamlText } from '../../src/adapters/manifests/parse-yaml.js';
import type { Json } from '../../src/core/k8s/json.js';
import { projectRbac, projectWorkload } from '../../src/core/volsync/workload-projection.js';
import { renderKubectlYaml } from '../../src/render/json.js';
import {
  resolveAssets,
  startControlPlane,
  type ControlPlane,
} from '../integration/harness/control-plane.js';
import {
  adminRequest,
  applyObject,
  kubeconfigPath,
  writeKubeconfig,
} from '../integration/harness/kube-api.js';
import { runCliCaptured } from '../run-cli.js';
import {
  installCrds,
  resolveVolsync,
  startVolsync,
  type RunningController,
} from './harness/volsync-controller.js';
import { oracleVersions } from './versions.js';

/**
 * The incident's bookstack mover, created as the demo writes it, judged by the real fork v0.17.7
 * controller: `render` must print exactly what it creates (the identity fields), `--diff-live`
 * must find nothing to say, and a wrong version must show in the diff.
 */
const version = oracleVersions.find((v) => v.id === 'fork-v0.17.7');
if (!version) throw new Error('fork-v0.17.7 is not an oracle version');

let cp: ControlPlane;
let controller: RunningController;
let kubeconfig = '';

const get = async (path: string): Promise<Json | undefined> => {
  const r = await adminRequest(cp, 'GET', path);
  return r.status === 200 ? (JSON.parse(r.body) as Json) : undefined;
};

async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 120_000;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}\n${controller.tail()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const live = (argv: string[]) => runCliCaptured(argv, '', { KUBECONFIG: kubeconfig });
/** `render rs/bookstack` on the cluster, for the version that built it. */
const render = (...flags: string[]) =>
  live(['render', 'rs/bookstack', '-n', 'default', '--volsync-version', 'fork-v0.17.7', ...flags]);

describe.skipIf(process.env['ORACLE_RECORD'] === '1')(
  'render against the real VolSync fork v0.17.7 controller',
  () => {
    beforeAll(async () => {
      const build = resolveVolsync(version);
      cp = await startControlPlane(resolveAssets());
      await installCrds(cp, build);
      const images = demoSnapshot().moverImages.images;
      controller = await startVolsync(cp, build, images);
      kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'render'), [cp.users.admin], 'admin');
      const demo = parseYamlText(demoManifests, demoFile).objects;
      const pick = (kind: string, name: string) => {
        const o = demo.find((x) => x.kind === kind && x.metadata.name === name);
        if (!o) throw new Error(`the demo has no ${kind} ${name}`);
        // as a user applies it: no status, and where the parser read it is not part of the object
        return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec };
      };
      await applyObject(cp, pick('Namespace', 'default'));
      await applyObject(cp, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'bookstack', namespace: 'default' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      } as never);
      await applyObject(cp, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bookstack-volsync-secret', namespace: 'default' },
        stringData: { KOPIA_REPOSITORY: 'filesystem:///mnt/repository', KOPIA_PASSWORD: 'x' },
      } as never);
      await applyObject(cp, pick('ReplicationSource', 'bookstack'));
      // no snapshot controller runs here: the test binds the snapshot VolSync asks for
      const snap =
        '/apis/snapshot.storage.k8s.io/v1/namespaces/default/volumesnapshots/volsync-bookstack-src';
      await until('the VolumeSnapshot VolSync creates', () => get(snap));
      const bound = await adminRequest(
        cp,
        'PATCH',
        `${snap}/status`,
        { status: { boundVolumeSnapshotContentName: 'snapcontent-bookstack', readyToUse: true } },
        'application/merge-patch+json',
      );
      if (bound.status !== 200)
        throw new Error(`bind the snapshot: HTTP ${bound.status} ${bound.body}`);
      await until('the mover Job', () =>
        get('/apis/batch/v1/namespaces/default/jobs/volsync-src-bookstack'),
      );
    });

    afterAll(async () => {
      await controller.stop();
      await cp.stop();
    });

    it('prints, byte for byte, the identity fields of the Job, ServiceAccount, Role and RoleBinding the controller created', async () => {
      const r = await render();
      // the version is said, so only what the cluster did to the demo's NFS moverVolume is
      expect(r.stderr).toBe(
        'warning: ReplicationSource/default/bookstack: moverVolumes[repository]: no volume source (what the API server keeps of a type the CRD does not have); VolSync skips it and nothing is mounted at /mnt/repository\n',
      );
      const base = '/namespaces/default';
      const job = projectWorkload({
        apiVersion: 'batch/v1',
        kind: 'Job',
        ...(await get(`/apis/batch/v1${base}/jobs/volsync-src-bookstack`)),
      });
      const rbac = await Promise.all(
        [
          ['v1', 'ServiceAccount', `/api/v1${base}/serviceaccounts`],
          [
            'rbac.authorization.k8s.io/v1',
            'Role',
            `/apis/rbac.authorization.k8s.io/v1${base}/roles`,
          ],
          [
            'rbac.authorization.k8s.io/v1',
            'RoleBinding',
            `/apis/rbac.authorization.k8s.io/v1${base}/rolebindings`,
          ],
        ].map(async ([apiVersion, kind, path]) =>
          projectRbac({ apiVersion, kind, ...(await get(`${path}/volsync-src-bookstack`)) }),
        ),
      );
      const objects = [job, ...rbac];
      expect(r.stdout).toBe(objects.map((o) => `---\n${renderKubectlYaml(o)}`).join(''));
      expect(r.code).toBe(0);
    });

    it('--diff-live finds nothing to say for the version that built the Job (exit 0)', async () => {
      const r = await render('--diff-live');
      expect([r.code, r.stdout]).toEqual([0, '']);
    });

    it('effective-uid job/volsync-src-bookstack is the mover, with the identity explain predicts for it, and no VP025', async () => {
      const v = ['--volsync-version', 'fork-v0.17.7', '-o', 'json'];
      type Report = {
        subjects: {
          kind: string;
          name: string;
          mover: string;
          containers: {
            workload: string;
            identity: unknown;
            trace: { field: string; effect: string }[];
          }[];
          findings: { code: string }[];
        }[];
      };
      const job = JSON.parse(
        (await live(['effective-uid', 'job/volsync-src-bookstack', '-n', 'default', ...v])).stdout,
      ) as Report;
      const predicted = JSON.parse((await live(['explain', 'ns/default', ...v])).stdout) as Report;
      const s = job.subjects[0];
      expect([s?.kind, s?.name, s?.mover]).toEqual(['ReplicationSource', 'bookstack', 'kopia']);
      expect(s?.containers.map((c) => c.workload)).toEqual(['Job/volsync-src-bookstack']);
      expect(s?.containers[0]?.trace[0]?.field).toBe('metadata.ownerReferences');
      expect(s?.containers[0]?.identity).toEqual(predicted.subjects[0]?.containers[0]?.identity);
      expect(s?.findings.map((f) => f.code)).not.toContain('VP025');
      // no kubelet runs here: the Job has no pod, and its template is the observation
      expect(
        predicted.subjects[0]?.containers[0]?.trace.find((t) => t.field === 'pod')?.effect,
      ).toBe(
        'the workload VolSync created exists, without a pod, and its spec agrees with the prediction',
      );
    });

    it('--diff-live shows a Job built before the annotation was removed (exit 1): still root, still PRIVILEGED_MOVER=1', async () => {
      await applyObject(cp, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'default' },
      } as never);
      const r = await render('--diff-live');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /^--- predicted\/Job\/default\/volsync-src-bookstack \(VolSync fork-v0\.17\.7\)\n\+\+\+ live\/Job\/default\/volsync-src-bookstack\n@@ /,
      );
      expect(r.stdout).toContain('+          runAsUser: 0\n');
      expect(r.stdout).toContain('-          value: "0"\n+          value: "1"\n');
      const explained = await live(['explain', 'ns/default', '--volsync-version', 'fork-v0.17.7']);
      expect(explained.stdout).toMatch(
        /VP025 .*Job\/default\/volsync-src-bookstack is not what VolSync fork-v0\.17\.7 builds for it/,
      );
    });
  },
);
