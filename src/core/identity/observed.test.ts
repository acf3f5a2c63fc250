import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { resolveReport } from '../report/resolve-report.js';
import { namespace, rs, snapshotOf, withSc } from '../test-support/builders.js';

/** The pod VolSync's Job created for ReplicationSource `a` (restic), as the API server stores it. */
function moverPod(
  sc: Record<string, unknown>,
  user?: { uid: number; gid: number; supplementalGroups: number[] },
  created = '2026-11-23T10:00:00Z',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `volsync-src-a-${created.slice(11, 13)}`,
      namespace: 'default',
      creationTimestamp: created,
      labels: { 'app.kubernetes.io/created-by': 'volsync', 'job-name': 'volsync-src-a' },
    },
    spec: {
      securityContext: sc,
      containers: [{ name: 'restic', image: 'quay.io/backube/volsync:0.17.0' }],
    },
    ...(user && {
      status: { containerStatuses: [{ name: 'restic', user: { linux: user } }] },
    }),
  };
}

const mover = rs('a', 'restic', withSc({ runAsUser: 1000, runAsGroup: 1000 }));
const report = (...pods: KubeObject[]) =>
  resolveReport(snapshotOf([namespace('default'), mover, ...pods]), { all: true }).subjects[0];

describe('the running mover pod is the ground truth (k8s-identity §2.3)', () => {
  it('without a pod the prediction stands and no runtime observation is claimed', () => {
    const s = report();
    expect(s?.containers[0]?.identity.uid).toBe(1000);
    expect(s?.containers[0]?.trace.some((t) => t.field === 'pod')).toBe(false);
  });

  it('a pod that matches confirms the prediction, without a finding', () => {
    const s = report(moverPod({ runAsUser: 1000, runAsGroup: 1000 }));
    const step = s?.containers[0]?.trace.find((t) => t.field === 'pod');
    expect(step?.effect).toContain('agrees with the prediction');
    expect(s?.findings.map((f) => f.code)).not.toContain('VP016');
  });

  it('a pod a webhook changed reports the observed identity and VP016 naming the difference', () => {
    const s = report(moverPod({ runAsUser: 0, runAsGroup: 1000 }));
    expect(s?.containers[0]?.identity.uid).toBe(0);
    const f = s?.findings.find((x) => x.code === 'VP016');
    expect(f?.message).toContain('uid 1000 → 0');
    expect(f?.objects).toEqual(['ReplicationSource/default/a', 'Pod/default/volsync-src-a-10']);
  });

  it('the trace and the findings speak of the observed identity: a webhook that kept a privileged mover from UID 0', () => {
    const snap = snapshotOf([
      namespace('default', { 'volsync.backube/privileged-movers': 'true' }),
      mover,
      rs('b', 'restic', withSc({ runAsUser: 1000, runAsGroup: 1000 })),
      moverPod({ runAsUser: 1000, runAsGroup: 1000 }),
    ]);
    const [a, b] = resolveReport(snap, { all: true }).subjects;
    const uidSteps = a?.containers[0]?.trace.filter(
      (t) => t.layer === 'runtime' && t.field === 'uid',
    );
    expect(uidSteps?.map((t) => t.value)).toEqual([1000]);
    expect(a?.findings.map((f) => f.code)).toContain('VP016');
    const vp001 = b?.findings.find((f) => f.code === 'VP001');
    expect(vp001?.message).toContain('ReplicationSource/b (1000→0)');
    expect(vp001?.message).not.toContain('ReplicationSource/a');
  });

  it('the groups the kubelet reports fill in what the image /etc/group could add, without a finding', () => {
    const s = report(
      moverPod(
        { runAsUser: 1000, runAsGroup: 1000 },
        { uid: 1000, gid: 1000, supplementalGroups: [1000, 4000] },
      ),
    );
    expect(s?.containers[0]?.identity.supplementalGroups).toEqual([1000, 4000]);
    expect(s?.containers[0]?.groupsIncomplete).toBe(false);
    expect(s?.findings.map((x) => x.code)).not.toContain('VP016');
  });

  it('a kubelet-reported UID that contradicts both specs wins and is reported', () => {
    const s = report(
      moverPod(
        { runAsUser: 1000, runAsGroup: 1000 },
        { uid: 0, gid: 1000, supplementalGroups: [1000] },
      ),
    );
    expect(s?.containers[0]?.identity.uid).toBe(0);
    expect(s?.findings.find((x) => x.code === 'VP016')?.message).toContain('uid 1000 → 0');
  });

  it('the newest pod of the Job is the one observed (a retry after a failure)', () => {
    const s = report(
      moverPod({ runAsUser: 0 }, undefined, '2026-11-23T09:00:00Z'),
      moverPod({ runAsUser: 1000, runAsGroup: 1000 }, undefined, '2026-11-23T11:00:00Z'),
    );
    expect(s?.containers[0]?.identity.uid).toBe(1000);
  });
});
