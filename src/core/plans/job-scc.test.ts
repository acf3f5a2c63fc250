import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { namespace, snapshotOf } from '../test-support/builders.js';
import { planAudit } from './audit-plan.js';
import { planFix } from './fix-plan.js';

const openshift = namespace('apps', { 'openshift.io/sa.scc.uid-range': '1000680000/10000' });
const pvc: KubeObject = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'apps' },
  spec: { accessModes: ['ReadWriteOnce'] },
};
const snap = (ns: KubeObject) => snapshotOf([ns, pvc]);
const times = { deadlineSeconds: 60, ttlSeconds: 60 };

describe("the tool's Jobs on OpenShift: SCC admission comes before Pod Security (k8s-identity §7)", () => {
  it('the repair (UID 0 with CHOWN, DAC_OVERRIDE, FOWNER) needs an SCC beyond restricted-v2', () => {
    const p = planFix(
      snap(openshift),
      { kind: 'PersistentVolumeClaim', namespace: 'apps', name: 'data', uid: 1, gid: 1 },
      times,
    );
    expect(p.podSecurity.scc?.scc).toBeNull();
    expect(p.podSecurity.scc?.note).toMatch(/beyond restricted-v2/);
  });

  it('the audit run as an owner in the range is admitted by restricted-v2, and outside it rejected', () => {
    const inRange = planAudit(
      snap(openshift),
      { kind: 'PersistentVolumeClaim', namespace: 'apps', name: 'data' },
      {
        access: { kind: 'as', uid: 1000680000, gid: 1000680000 },
        probe: false,
        ...times,
      },
    );
    expect(inRange.podSecurity.scc?.scc).toBe('restricted-v2');
    const outside = planAudit(
      snap(openshift),
      { kind: 'PersistentVolumeClaim', namespace: 'apps', name: 'data' },
      {
        access: { kind: 'as', uid: 1000, gid: 1000 },
        probe: false,
        ...times,
      },
    );
    expect(outside.podSecurity.scc?.rejected).toMatch(/must be in the ranges/);
  });

  it('outside OpenShift there is no SCC verdict', () => {
    const p = planFix(
      snap(namespace('apps')),
      { kind: 'PersistentVolumeClaim', namespace: 'apps', name: 'data', uid: 1, gid: 1 },
      times,
    );
    expect(p.podSecurity.scc).toBeUndefined();
  });
});
