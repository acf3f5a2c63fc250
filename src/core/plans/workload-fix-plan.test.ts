import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { namespace, snapshotOf } from '../test-support/builders.js';
import {
  appPod,
  autoscaler,
  claim,
  deploy,
  replicasManager,
  statefulSet,
} from '../test-support/workload-builders.js';
import { planFix } from './fix-plan.js';
import { PlanRefused } from './plan-refused.js';
import { planWorkloadFix, type WorkloadFacts, type WorkloadRequest } from './workload-fix-plan.js';

const options = { deadlineSeconds: 3600, ttlSeconds: 86400 };
const files: WorkloadFacts = { claimsComplete: false };
const cluster: WorkloadFacts = { claimsComplete: true, autoscalers: [], managedFields: [] };

const request = (name: string, kind: WorkloadRequest['kind'] = 'StatefulSet'): WorkloadRequest => ({
  kind,
  namespace: 'db',
  name,
  uid: 999,
  gid: 999,
});

const plan = (objects: KubeObject[], r = request('pg'), facts = cluster) =>
  planWorkloadFix(snapshotOf([namespace('db'), ...objects]), r, options, facts);

const claims = (p: ReturnType<typeof plan>) => p.repairs.map((x) => x.claim.claimName);

/** The error a plan is refused with: its kind and message. */
function refusal(f: () => unknown): { kind: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanRefused) return { kind: e.kind, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

const pg = statefulSet('pg', {
  replicas: 2,
  templates: ['data'],
  claims: { backup: 'pg-backup' },
  runAsUser: 999,
});
const pgClaims = [claim('data-pg-0'), claim('data-pg-1'), claim('pg-backup', ['ReadWriteMany'])];

describe('planWorkloadFix', () => {
  it('a StatefulSet: scale 2 -> 0, one Job per template claim and plain claim, each the Job fix-job pvc/CLAIM plans, then back to 2', () => {
    const p = plan([pg, ...pgClaims]);
    expect(p).toMatchObject({
      replicas: 2,
      scales: true,
      skipped: [],
      replicaSettersChecked: true,
    });
    expect(claims(p)).toEqual(['data-pg-0', 'data-pg-1', 'pg-backup']);
    const alone = planFix(
      snapshotOf([namespace('db'), pg, ...pgClaims]),
      { kind: 'PersistentVolumeClaim', namespace: 'db', name: 'data-pg-1', uid: 999, gid: 999 },
      options,
    );
    expect(p.repairs[1]?.plan.job).toEqual(alone.job);
    expect(p.ownerNote).toBeUndefined();
  });

  it('names the VolSync movers of its claims that are not paused: stopping the workload does not stop them', () => {
    const mover = (name: string, claim: string, paused = false): KubeObject => ({
      apiVersion: 'volsync.backube/v1alpha1',
      kind: 'ReplicationSource',
      metadata: { name, namespace: 'db' },
      spec: { sourcePVC: claim, paused, restic: { repository: 'r' } },
    });
    const p = plan([
      namespace('db'),
      pg,
      ...pgClaims,
      mover('live', 'data-pg-0'),
      mover('held', 'data-pg-1', true),
      mover('other', 'elsewhere'),
    ]);
    expect(p.movers).toEqual([{ ref: 'ReplicationSource/live', claim: 'data-pg-0' }]);
  });

  it('a Deployment: its pod template claims, replicas 1 when unset', () => {
    const p = plan(
      [deploy('web', { claims: { data: 'web-data' } }), claim('web-data')],
      request('web', 'Deployment'),
    );
    expect([p.replicas, p.scales, claims(p)]).toEqual([1, true, ['web-data']]);
  });

  it('replicas 0: nothing to scale, the template claims of the input are repaired', () => {
    const p = plan([statefulSet('pg', { replicas: 0, templates: ['data'] }), claim('data-pg-0')]);
    expect([p.replicas, p.scales, claims(p)]).toEqual([0, false, ['data-pg-0']]);
  });

  it('a workload a dead run left at 0 is planned with the replicas it recorded', () => {
    const p = plan(
      [statefulSet('pg', { replicas: 0, templates: ['data'] }), ...pgClaims],
      request('pg'),
      {
        ...cluster,
        recordedReplicas: 2,
      },
    );
    expect([p.replicas, p.scales, claims(p)]).toEqual([2, true, ['data-pg-0', 'data-pg-1']]);
  });

  it.each([
    [
      'files: the Job is planned by name (manifests rarely hold template claims)',
      files,
      ['data-pg-0', 'data-pg-1', 'pg-backup'],
      [],
    ],
    [
      'a cluster: the claim does not exist, so it gets no Job',
      cluster,
      ['data-pg-0', 'pg-backup'],
      ['data-pg-1'],
    ],
  ])('a claim missing from the input, from %s', (_, facts, repaired, skipped) => {
    const p = plan([pg, claim('data-pg-0'), claim('pg-backup')], request('pg'), facts);
    expect(claims(p)).toEqual(repaired);
    expect(p.skipped.map((s) => s.claim.claimName)).toEqual(skipped);
    expect(
      p.repairs.find((r) => r.claim.claimName === 'data-pg-1')?.plan.options.placement.kind,
    ).toBe(facts === files ? 'unknown' : undefined);
  });

  it('claims kept beyond the replicas are named as not repaired', () => {
    const p = plan([pg, ...pgClaims, claim('data-pg-2')]);
    expect(p.skipped.map((s) => [s.claim.claimName, s.why])).toEqual([
      ['data-pg-2', expect.stringMatching(/^not mounted at 2 replicas/) as string],
    ]);
  });

  it('places the Jobs as when its pods are gone: its own pods hold nothing, another pod still pins a ReadWriteOnce claim to its node', () => {
    const objects = [
      pg,
      claim('data-pg-0', ['ReadWriteOncePod']),
      claim('data-pg-1'),
      claim('pg-backup'),
      appPod('pg-0', 'pg', 'data-pg-0', { node: 'worker-1' }),
      appPod('pg-1', 'pg', 'data-pg-1', { node: 'worker-2' }),
      appPod('backup-7f9', 'backup', 'pg-backup', { node: 'worker-3' }),
    ];
    const placement = plan(objects).repairs.map((r) => r.plan.options.placement);
    expect(placement.map((x) => (x.kind === 'node' ? x.node : x.kind))).toEqual([
      'anywhere',
      'anywhere',
      'worker-3',
    ]);
  });

  it('a ReadWriteOncePod claim another workload uses is refused (exit 6)', () => {
    const objects = [
      pg,
      claim('data-pg-0'),
      claim('data-pg-1'),
      claim('pg-backup', ['ReadWriteOncePod']),
      appPod('backup-7f9', 'backup', 'pg-backup'),
    ];
    const r = refusal(() => plan(objects));
    expect(r.kind).toBe('refused');
    expect(r.message).toMatch(/pg-backup: ReadWriteOncePod and in use by Pod backup-7f9/);
  });

  it.each([
    [
      'an HPA targets it',
      { autoscalers: [autoscaler('pg', 'StatefulSet', 'pg')] },
      /HorizontalPodAutoscaler pg scales it/,
    ],
    [
      'a GitOps controller applies spec.replicas',
      { managedFields: [replicasManager('kustomize-controller', 'Apply')] },
      /field manager "kustomize-controller" owns spec\.replicas/,
    ],
  ])('refuses (exit 6) when %s', (_, facts, message) => {
    expect(refusal(() => plan([pg, ...pgClaims], request('pg'), { ...cluster, ...facts }))).toEqual(
      {
        kind: 'refused',
        message: expect.stringMatching(message) as string,
      },
    );
  });

  it('an HPA does not matter with nothing to scale', () => {
    const idle = statefulSet('pg', { replicas: 0, templates: ['data'] });
    const p = plan([idle, claim('data-pg-0')], request('pg'), {
      ...cluster,
      autoscalers: [autoscaler('pg', 'StatefulSet', 'pg')],
    });
    expect(p.scales).toBe(false);
  });

  it.each([
    ['no such workload', [], 'input', /^StatefulSet db\/pg: not found in the input/],
    [
      'no claim at all',
      [statefulSet('pg', { replicas: 1 })],
      'input',
      /its pods mount no PersistentVolumeClaim/,
    ],
    [
      'no claim that exists (a cluster)',
      [statefulSet('pg', { replicas: 1, templates: ['data'] })],
      'input',
      /none of its claims exists \(data-pg-0\)/,
    ],
  ])('refuses %s', (_, objects, kind, message) => {
    expect(refusal(() => plan(objects))).toEqual({
      kind,
      message: expect.stringMatching(message) as string,
    });
  });

  it('says when the app would start again as another UID than the files get', () => {
    const p = plan([pg, ...pgClaims], { ...request('pg'), uid: 70, gid: 70 });
    expect(p.ownerNote).toMatch(/runs container app as UID 999, not 70: set runAsUser: 70/);
  });
});
