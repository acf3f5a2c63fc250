import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveReport } from '../report/resolve-report.js';
import { namespace, rs, snapshotOf, withSc } from '../test-support/builders.js';
import { buildMoverPod } from '../volsync/build-mover-pod.js';
import type { MoverSpec } from '../volsync/mover-spec.js';
import { moverRules, moverTypes, type MoverType } from '../volsync/movers.js';
import type { PodSecurityContext } from '../k8s/types.js';
import {
  demotePod,
  deniesPod,
  ownPolicyObjects,
  policyInForce,
  policyTargets,
  scopePoliciesFor,
  scopePolicyObjects,
  type ScopePolicyRequest,
} from './scope-policy.js';

const request = (over: Partial<ScopePolicyRequest> = {}): ScopePolicyRequest => ({
  kind: 'demote',
  api: 'v1',
  namespace: 'apps',
  scopedTo: 'ReplicationSource/a',
  targets: { jobs: ['volsync-src-b'], syncthing: [] },
  ...over,
});
const jobPod = (job: string) => ({
  'app.kubernetes.io/created-by': 'volsync',
  'batch.kubernetes.io/job-name': job,
});

const moverSpec = (mover: MoverType, sc: PodSecurityContext): MoverSpec => ({
  kind: 'ReplicationSource',
  namespace: 'apps',
  name: 'b',
  mover,
  moverVolumes: [],
  moverSecurityContext: sc,
});

describe('the demote policy model', () => {
  const dualMode = moverTypes.filter((m) => !moverRules[m].alwaysPrivileged);
  it.each(dualMode)(
    'gives a privileged %s pod back exactly the pod VolSync builds without the annotation',
    (mover) => {
      const spec = moverSpec(mover, { runAsUser: 1000, runAsGroup: 1000 });
      const on = buildMoverPod(spec, true, 'img');
      const off = buildMoverPod(spec, false, 'img');
      expect(demotePod(on.pod)?.pod).toEqual(off.pod);
      expect(demotePod(off.pod)).toBeNull();
      expect(deniesPod(on.pod)).toBe(true);
      expect(deniesPod(off.pod)).toBe(false);
    },
  );

  it('is idempotent: a demoted pod no longer matches', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dualMode),
        fc.integer({ min: 1, max: 65535 }),
        (mover, uid) => {
          const spec: MoverSpec = {
            kind: 'ReplicationSource',
            namespace: 'apps',
            name: 'b',
            mover,
            moverVolumes: [],
            moverSecurityContext: { runAsUser: uid },
          };
          const once = demotePod(buildMoverPod(spec, true, 'img').pod);
          expect(once).not.toBeNull();
          expect(demotePod(once?.pod ?? { containers: [] })).toBeNull();
        },
      ),
    );
  });
});

describe('scopePoliciesFor', () => {
  const objects = scopePolicyObjects(request());
  it('selects a listed Job pod of the namespace', () => {
    expect(scopePoliciesFor(objects, 'apps', {}, jobPod('volsync-src-b'))).toEqual([
      {
        kind: 'demote',
        binding: 'MutatingAdmissionPolicyBinding/volsync-perms-scope-apps-jobs',
        policy: 'MutatingAdmissionPolicy/volsync-perms-scope-apps',
      },
    ]);
  });
  it.each([
    ['another Job', 'apps', jobPod('volsync-src-a')],
    ['the same Job name in another namespace', 'other', jobPod('volsync-src-b')],
    ['a pod VolSync did not create', 'apps', { 'batch.kubernetes.io/job-name': 'volsync-src-b' }],
  ])('does not select %s', (_what, ns, labels) => {
    expect(scopePoliciesFor(objects, ns, {}, labels)).toEqual([]);
  });
  it('a binding whose policy is missing does nothing', () => {
    const bindings = objects.filter((o) => o.kind.endsWith('Binding'));
    expect(scopePoliciesFor(bindings, 'apps', {}, jobPod('volsync-src-b'))).toEqual([]);
  });
  it('selects syncthing pods by the RS name VolSync labels them with', () => {
    const o = scopePolicyObjects(request({ targets: { jobs: [], syncthing: ['s'] } }));
    const labels = {
      'app.kubernetes.io/created-by': 'volsync',
      'app.kubernetes.io/name': 's',
      'app.kubernetes.io/component': 'syncthing-mover',
    };
    expect(scopePoliciesFor(o, 'apps', {}, labels)).toHaveLength(1);
    expect(o.map((x) => x.metadata.name)).toEqual([
      'volsync-perms-scope-apps',
      'volsync-perms-scope-apps-syncthing',
    ]);
  });
  it('finds its own objects by namespace, not by name prefix', () => {
    const other = scopePolicyObjects(request({ namespace: 'apps-jobs' }));
    expect(ownPolicyObjects([...objects, ...other], 'apps')).toEqual(objects);
  });
  it('the deny policy binds with the Deny action and names the scope in its message', () => {
    const [policy, binding] = scopePolicyObjects(request({ kind: 'deny' }));
    expect(policy).toMatchObject({ kind: 'ValidatingAdmissionPolicy' });
    expect(JSON.stringify(policy)).toContain('granted only to ReplicationSource/a');
    expect(binding).toMatchObject({ spec: { validationActions: ['Deny'] } });
  });
});

describe('explain with a scope policy', () => {
  const sc = withSc({ runAsUser: 1000, runAsGroup: 1000 });
  const snapshot = (kind: 'demote' | 'deny') =>
    snapshotOf([
      namespace('apps', { 'volsync.backube/privileged-movers': 'true' }),
      rs('a', 'restic', { repository: 'r', ...sc }, 'apps'),
      rs('b', 'restic', { repository: 'r', ...sc }, 'apps'),
      ...scopePolicyObjects(request({ kind })),
    ]);

  it('the demoted mover runs as its moverSecurityContext UID with no capabilities, and the trace names the policy', () => {
    const report = resolveReport(snapshot('demote'), { all: false, namespace: 'apps' });
    const [a, b] = report.subjects;
    expect(a?.containers[0]?.identity).toMatchObject({
      uid: 0,
      capabilities: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'],
    });
    expect(b?.containers[0]?.identity).toMatchObject({ uid: 1000, capabilities: [] });
    expect(b?.containers[0]?.uidDecidedBy).toBe('pod');
    expect(b?.containers[0]?.trace).toContainEqual(
      expect.objectContaining({
        layer: 'admission',
        value: 'MutatingAdmissionPolicy/volsync-perms-scope-apps',
        effect: expect.stringContaining('removes container restic runAsUser 0') as unknown,
      }),
    );
    const codes = report.subjects.flatMap((s) => s.findings.map((f) => `${s.name}:${f.code}`));
    expect(codes).toContain('a:VP001');
    expect(codes).not.toContain('b:VP001');
  });

  it('the denied mover is reported as rejected at admission', () => {
    const report = resolveReport(snapshot('deny'), { all: false, namespace: 'apps' });
    const b = report.subjects[1];
    expect(b?.containers[0]?.trace).toContainEqual(
      expect.objectContaining({
        layer: 'admission',
        value: 'ValidatingAdmissionPolicy/volsync-perms-deny-apps',
      }),
    );
    expect(b?.findings.map((f) => f.code)).not.toContain('VP001');
  });
});

describe('policyTargets and policyInForce', () => {
  it('names Job pods by the Job VolSync runs (hashed past 63 characters) and syncthing pods by the RS', () => {
    const long = 'a'.repeat(60);
    const t = policyTargets([
      { ...moverSpec('kopia', {}), name: 'b' },
      { ...moverSpec('restic', {}), name: long },
      { ...moverSpec('syncthing', {}), name: 's' },
    ]);
    expect(t.syncthing).toEqual(['s']);
    expect(t.jobs[0]).toBe('volsync-src-b');
    expect(t.jobs[1]).toMatch(/^volsync-src-[0-9a-f]{8}$/);
  });

  it('the demote policy is in force when the admitted pod no longer runs privileged; the deny policy when it rejects it by name', () => {
    const spec = moverSpec('kopia', { runAsUser: 1000 });
    const on = buildMoverPod(spec, true, 'img').pod;
    const off = buildMoverPod(spec, false, 'img').pod;
    expect(policyInForce('demote', 'apps', { admitted: true, spec: off })).toBe(true);
    expect(policyInForce('demote', 'apps', { admitted: true, spec: on })).toBe(false);
    const by = (ns: string) => ({
      admitted: false as const,
      message: `denied by ValidatingAdmissionPolicy 'volsync-perms-deny-${ns}'`,
    });
    expect(policyInForce('deny', 'apps', by('apps'))).toBe(true);
    expect(policyInForce('deny', 'apps', by('other'))).toBe(false);
  });
});
