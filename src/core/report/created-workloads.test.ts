import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { namespace, rs, snapshotOf, withSc } from '../test-support/builders.js';
import { resolveWorkloadsReport } from './workloads-report.js';
import { resolveReport, resolveSubjectReport } from './resolve-report.js';

const privileged = { 'volsync.backube/privileged-movers': 'true' };
const mover = rs('db', 'restic', { repository: 'r', ...withSc({ runAsUser: 1000 }) }, 'apps');

/** The Job VolSync builds for `mover` in a namespace with `annotations`, as the cluster holds it. */
function jobAsBuilt(annotations: Record<string, string>): KubeObject {
  const snapshot = snapshotOf([namespace('apps', annotations), mover]);
  const [s] = resolveWorkloadsReport(snapshot, { all: false, namespace: 'apps' }).subjects;
  const job = s?.objects[0] as unknown as KubeObject;
  return { ...job, metadata: { ...job.metadata, controlledBy: 'ReplicationSource/db' } };
}

const findings = (objects: KubeObject[]) =>
  resolveReport(snapshotOf(objects), { all: false, namespace: 'apps' }).subjects[0]?.findings ?? [];

describe('a workload VolSync created is checked against the prediction', () => {
  it('a Job as the version builds it raises nothing', () => {
    const objects = [namespace('apps', privileged), mover, jobAsBuilt(privileged)];
    expect(findings(objects).map((f) => f.code)).not.toContain('VP025');
  });

  it('a Job built before the annotation was removed is VP025, naming the fields predicted → live', () => {
    const objects = [namespace('apps'), mover, jobAsBuilt(privileged)];
    const vp025 = findings(objects).find((f) => f.code === 'VP025');
    expect(vp025?.message).toContain(
      'Job/apps/volsync-src-db is not what VolSync fork-6966ac30 builds for it',
    );
    expect(vp025?.message).toContain(
      'spec.template.spec.containers[restic].env[PRIVILEGED_MOVER].value "0" → "1"',
    );
    expect(vp025?.message).toContain(
      'spec.template.spec.containers[restic].securityContext.runAsUser (absent) → 0',
    );
    expect(vp025?.objects).toEqual(['ReplicationSource/apps/db', 'Job/apps/volsync-src-db']);
    expect(vp025?.fix).toContain('kubectl volsync-perms render rs/db -n apps --diff-live');
  });

  it('a Job another object controls is not the mover', () => {
    const job = jobAsBuilt(privileged);
    const foreign = { ...job, metadata: { ...job.metadata, controlledBy: 'CronJob/other' } };
    expect(findings([namespace('apps'), mover, foreign]).map((f) => f.code)).not.toContain('VP025');
  });

  it('without a pod, the Job is what runs: its template is the observed identity, in the trace', () => {
    const r = resolveReport(snapshotOf([namespace('apps'), mover, jobAsBuilt(privileged)]), {
      all: false,
      namespace: 'apps',
    });
    const c = r.subjects[0]?.containers[0];
    expect(c?.identity.uid).toBe(0);
    expect(c?.trace.find((t) => t.field === 'pod')?.effect).toMatch(
      /^the workload VolSync created exists, without a pod, and it differs from the prediction \(uid 1000 → 0/,
    );
  });
});

describe('effective-uid of a workload VolSync created explains its mover', () => {
  const snapshot = snapshotOf([namespace('apps', privileged), mover, jobAsBuilt(privileged)]);

  it('job/volsync-src-db is the ReplicationSource db, its container the Job, first the ownership', () => {
    const r = resolveSubjectReport(snapshot, {
      kind: 'Job',
      namespace: 'apps',
      name: 'volsync-src-db',
    });
    const s = r?.subjects[0];
    expect([s?.kind, s?.name, s?.mover, s?.privileged]).toEqual([
      'ReplicationSource',
      'db',
      'restic',
      true,
    ]);
    expect(s?.containers.map((c) => c.workload)).toEqual(['Job/volsync-src-db']);
    expect(s?.containers[0]?.trace[0]).toMatchObject({
      layer: 'volsync',
      field: 'metadata.ownerReferences',
      value: 'ReplicationSource/db',
    });
    expect(s?.containers[0]?.identity.uid).toBe(0);
  });

  it('a Job no mover owns is resolved as any workload', () => {
    const lone: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'backup', namespace: 'apps' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    const r = resolveSubjectReport(snapshotOf([namespace('apps'), lone]), {
      kind: 'Job',
      namespace: 'apps',
      name: 'backup',
    });
    expect([r?.subjects[0]?.kind, r?.subjects[0]?.mover]).toEqual(['Job', null]);
  });
});
