import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import { sccRoleYaml } from './harness/volsync-objects.js';

const cp = inject('controlPlane');
const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'observed'), [cp.users.admin], 'admin');

// A mover whose pod exists: the restic Job's pod as a mutating webhook left it (container
// runAsUser 0 forced over moverSecurityContext 1000). No kubelet runs it; the spec is the fact.
const seed = `apiVersion: v1
kind: Namespace
metadata: {name: observed}
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata: {name: photos, namespace: observed}
spec:
  sourcePVC: photos
  restic:
    repository: photos-restic
    moverSecurityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
---
apiVersion: v1
kind: Pod
metadata:
  name: volsync-src-photos-x7k2p
  namespace: observed
  labels: {app.kubernetes.io/created-by: volsync, job-name: volsync-src-photos}
spec:
  securityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
  containers:
    - name: restic
      image: quay.io/backube/volsync:0.17.0
      securityContext: {runAsUser: 0}
---
# Left from when the namespace allowed privileged movers: VolSync never removes the rule.
${sccRoleYaml('observed', 'photos')}`;

describe('the mover pod the cluster really runs', () => {
  beforeAll(async () => {
    await applyYaml(cp, seed);
  });

  it('wins over the prediction and is reported as VP016 naming the pod and the difference', async () => {
    const r = await runCliCaptured(
      ['effective-uid', 'rs/photos', '-n', 'observed', '-o', 'json'],
      '',
      {
        KUBECONFIG: kubeconfig,
      },
    );
    expect(r.code).toBe(0);
    const s = (
      JSON.parse(r.stdout) as {
        subjects: {
          containers: { identity: { uid: number }; trace: { layer: string; value: unknown }[] }[];
          findings: { code: string; message: string }[];
        }[];
      }
    ).subjects[0];
    expect(s?.containers[0]?.identity.uid).toBe(0);
    // the observation, then the runtime steps of the real pod: the trace speaks of UID 0
    const trace = s?.containers[0]?.trace ?? [];
    const seen = trace.findIndex((t) => t.value === 'Pod/observed/volsync-src-photos-x7k2p');
    expect(trace[seen]).toMatchObject({ layer: 'runtime' });
    const uids = trace.filter(
      (t) => t.layer === 'runtime' && (t as { field?: string }).field === 'uid',
    );
    expect(uids.map((t) => t.value)).toEqual([0]);
    expect(trace.indexOf(uids[0] as (typeof trace)[number])).toBeGreaterThan(seen);
    expect(s?.findings.find((f) => f.code === 'VP016')?.message).toContain('uid 1000 → 0');
  });

  it('reports the SCC grant VolSync left in the per-mover Role of an unprivileged mover (VP017)', async () => {
    const r = await runCliCaptured(['explain', 'ns/observed'], '', { KUBECONFIG: kubeconfig });
    expect(r.stdout).toMatch(
      /VP017 warning: ReplicationSource photos runs unprivileged, but Role volsync-src-photos still grants "use"/,
    );
  });
});
