import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admits } from '../admission/pod-security.js';
import { path } from '../k8s/json.js';
import { namespace, replication, snapshotOf } from '../test-support/builders.js';
import { fixJobName, fixJobPod, planFixJob, resolveFixPodSecurity } from './fix-job.js';
import { planFix } from './fix-plan.js';
import type { FixTarget } from './fix-target.js';
import { jobState, parseFixSummary } from './job-state.js';
import {
  isAbandoned,
  planRelax,
  planRestore,
  readRelaxRecord,
  relaxAnnotation,
  type RelaxRecord,
} from './psa-relax.js';

const target = (over: Partial<FixTarget> = {}): FixTarget => ({
  namespace: 'default',
  volume: { type: 'persistentVolumeClaim', claimName: 'data' },
  purpose: 'PersistentVolumeClaim default/data',
  owner: { uid: 1000, gid: 1000, from: '--uid, --gid' },
  ...over,
});

const job = (t = target(), onlyUid?: number) =>
  planFixJob(t, {
    image: 'quay.io/backube/volsync:0.17.0',
    ...(onlyUid !== undefined && { onlyUid }),
    deadlineSeconds: 3600,
    ttlSecondsAfterFinished: 86400,
    placement: { kind: 'anywhere', why: '' },
  });

/** A field of a plain object, array indexes included. */
const at = (v: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((cur, k) => (cur as Record<string | number, unknown> | undefined)?.[k], v);
const container = (j: unknown) =>
  at(j, 'spec', 'template', 'spec', 'containers', 0) as Record<string, unknown>;

describe('planFixJob', () => {
  it('runs as UID 0 with CHOWN, DAC_OVERRIDE and FOWNER only, and nothing else that baseline forbids', () => {
    const j = job();
    expect(container(j)['securityContext']).toEqual({
      runAsUser: 0,
      runAsGroup: 1000,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] },
    });
    expect(path(j, 'spec', 'template', 'spec', 'automountServiceAccountToken')).toBe(false);
    expect(path(j, 'spec', 'backoffLimit')).toBe(0);
    const v = resolveFixPodSecurity(j);
    expect(admits('baseline', v)).toBe(true);
    expect(admits('restricted', v)).toBe(false);
  });

  it('passes the owner as env vars, never inside the shell text', () => {
    const j = job(target({ owner: { uid: 4242, gid: 4343, from: '' } }), 0);
    const c = container(j);
    expect(c['env']).toEqual([
      { name: 'FIX_ROOT', value: '/volume' },
      { name: 'TARGET_UID', value: '4242' },
      { name: 'TARGET_GID', value: '4343' },
      { name: 'ONLY_UID', value: '0' },
    ]);
    const [, , script] = c['command'] as string[];
    expect(script).not.toMatch(/4242|4343/);
  });

  it('mounts an NFS repository from the same export', () => {
    const j = job(target({ volume: { type: 'nfs', server: 'nas', path: '/kopia' } }));
    expect(at(j, 'spec', 'template', 'spec', 'volumes', 0)).toEqual({
      name: 'volume',
      nfs: { server: 'nas', path: '/kopia' },
    });
  });

  it('names the same request the same Job, and different owners differently, within 63 characters', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/),
        fc.nat(65535),
        (claim, uid) => {
          const t = target({
            volume: { type: 'persistentVolumeClaim', claimName: claim },
            owner: { uid, gid: uid, from: '' },
          });
          const name = fixJobName(t, undefined);
          expect(name).toBe(fixJobName(t, undefined));
          expect(name.length).toBeLessThanOrEqual(63);
          // a Job's name is also its pods' job-name label value
          expect(name).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
          expect(fixJobName({ ...t, owner: { ...t.owner, uid: uid + 1 } }, undefined)).not.toBe(
            name,
          );
        },
      ),
    );
  });

  it("the Pod built from the Job's template carries its security context", () => {
    const pod = fixJobPod(job());
    expect(pod['kind']).toBe('Pod');
    expect(at(pod, 'spec', 'containers', 0, 'securityContext', 'runAsUser')).toBe(0);
  });
});

describe('Pod Security relaxation', () => {
  const holder = {
    job: 'j',
    holder: { host: 'h', pid: 1 },
    renewTime: '2026-01-01T00:00:00Z',
    leaseSeconds: 30,
  };
  const verdict = resolveFixPodSecurity(job());

  it('relaxes restricted to baseline, never further, and records what it replaced', () => {
    const ns = namespace(
      'default',
      {},
      {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.30',
      },
    );
    const plan = planRelax(ns, verdict, holder, '42');
    expect(plan?.patch).toMatchObject({
      metadata: {
        resourceVersion: '42',
        labels: {
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/enforce-version': null,
        },
      },
    });
    expect(plan?.record.previous).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.30',
    });
  });

  it.each(['baseline', 'privileged', undefined])('leaves enforce=%s alone', (level) => {
    const labels: Record<string, string> = level
      ? { 'pod-security.kubernetes.io/enforce': level }
      : {};
    expect(planRelax(namespace('default', {}, labels), verdict, holder, '1')).toBeUndefined();
  });

  it('restoring after relaxing gives back exactly the labels found (property)', () => {
    const value = fc.option(fc.constantFrom('restricted', 'v1.29', 'latest'), { nil: undefined });
    fc.assert(
      fc.property(
        value,
        value,
        fc.dictionary(fc.constantFrom('a', 'b/c'), fc.string()),
        (e, v, other) => {
          const labels: Record<string, string> = { ...other };
          labels['pod-security.kubernetes.io/enforce'] = e ?? 'restricted';
          if (v !== undefined) labels['pod-security.kubernetes.io/enforce-version'] = v;
          const plan = planRelax(namespace('default', {}, labels), verdict, holder, '1');
          if (!plan) throw new Error('restricted must be relaxed');
          const merged = mergeLabels(mergeLabels(labels, plan.patch), planRestore(plan.record));
          expect(merged).toEqual(labels);
        },
      ),
    );
  });

  it.each([
    ['not JSON', 'nope'],
    ['a label other than the enforce pair', { previous: { 'team/owner': 'x' } }],
    ['a Job name that is a path', { job: '../../../api/v1/namespaces/kube-system' }],
    ['a non-numeric pid', { holder: { host: 'h', pid: 'x' } }],
  ])('a record with %s is malformed, so nothing acts on it', (_what, change) => {
    const text =
      typeof change === 'string' ? change : JSON.stringify({ previous: {}, ...holder, ...change });
    const ns = namespace('default', { [relaxAnnotation]: text });
    expect(readRelaxRecord(ns)).toBe('malformed');
  });

  it('a record the tool wrote reads back', () => {
    const r = { previous: { 'pod-security.kubernetes.io/enforce': 'restricted' }, ...holder };
    expect(readRelaxRecord(namespace('default', { [relaxAnnotation]: JSON.stringify(r) }))).toEqual(
      r,
    );
  });

  it.each([
    ['a holder known dead', 0, false, true],
    ['a live holder within its lease', 10_000, undefined, false],
    ['a holder on another host past its lease', 31_000, undefined, true],
    ['a live holder past its lease (it stopped renewing)', 31_000, true, true],
  ])('%s is abandoned: %s', (_what, elapsed, alive, abandoned) => {
    const r: RelaxRecord = { previous: {}, ...holder };
    const renewedMs = Date.parse(r.renewTime);
    expect(isAbandoned(r, { nowMs: renewedMs + elapsed, renewedMs }, alive)).toBe(abandoned);
  });
});

describe('job state and summary', () => {
  it.each([
    [{}, 'running'],
    [{ status: { conditions: [{ type: 'Complete', status: 'True' }] } }, 'succeeded'],
    [
      { status: { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }] } },
      'failed',
    ],
    [{ status: { conditions: [{ type: 'Failed', status: 'False' }] } }, 'running'],
  ])('%j is %s', (j, phase) => {
    expect(jobState(j).phase).toBe(phase);
  });

  it('reads the counts the script prints last', () => {
    const log =
      'fix-ownership: /volume -> 1000:1000\nchanged: /volume/a\nsummary: scanned=3 changed=1 failed=0 skipped-mounts=0\nroot: 1000:1000 755\n';
    expect(parseFixSummary(log)).toEqual({
      scanned: 3,
      changed: 1,
      failed: 0,
      skippedMounts: 0,
      root: '1000:1000 755',
    });
    expect(parseFixSummary('killed')).toBeUndefined();
  });
});

/** A JSON merge patch of metadata.labels, as the API server applies it (null deletes). */
function mergeLabels(labels: Record<string, string>, patch: Record<string, unknown>) {
  const p = (path(patch, 'metadata', 'labels') ?? {}) as Record<string, string | null>;
  const merged = Object.entries({ ...labels, ...p }).filter(
    (e): e is [string, string] => e[1] !== null,
  );
  return Object.fromEntries(merged);
}

describe('planFix', () => {
  const kopiaRs = () =>
    replication('ReplicationSource', 'app', 'kopia', {
      repository: 'r',
      moverSecurityContext: { runAsUser: 1000, runAsGroup: 1000 },
    });
  const request = { kind: 'ReplicationSource', namespace: 'default', name: 'app' } as const;
  const plan = (labels: Record<string, string>, image?: string) =>
    planFix(snapshotOf([namespace('default', {}, labels), kopiaRs()]), request, {
      ...(image !== undefined && { image }),
      deadlineSeconds: 3600,
      ttlSeconds: 86400,
    });

  it("runs in the kopia mover's image unless --image says otherwise", () => {
    expect(plan({}).options.image).toBe(snapshotOf([]).moverImages.images.kopia);
    expect(plan({}).imageFrom).toMatch(/^the kopia mover image: /);
    expect(plan({}, 'busybox:1').options).toMatchObject({ image: 'busybox:1' });
  });

  it.each([
    ['restricted', false],
    ['baseline', true],
  ])('a namespace enforcing %s admits the Job: %s', (level, admitted) => {
    const p = plan({ 'pod-security.kubernetes.io/enforce': level });
    expect(p.podSecurity).toMatchObject({ level, admitted });
  });
});
