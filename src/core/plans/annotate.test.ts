import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { namespace, replication, rs, snapshotOf, withSc } from '../test-support/builders.js';
import { privilegedMoversKey } from '../volsync/privileged.js';
import {
  planAnnotate,
  verifyAnnotatePlan,
  type AnnotatePlan,
  type AnnotateRequest,
} from './annotate.js';
import { scopedToKey } from './annotation-keys.js';

const sc = withSc({ runAsUser: 1000, runAsGroup: 1000 });
const v1 = { mutating: 'v1', validating: 'v1' } as const;
const noMap = { mutating: null, validating: 'v1' } as const;
const scopedA = { scoped: [{ kind: 'ReplicationSource' as const, name: 'a' }] };
const ns = (annotations: Record<string, string> = {}) => namespace('apps', annotations);
const mover = (name: string) => rs(name, 'restic', { repository: 'r', ...sc }, 'apps');
const req = (over: Partial<AnnotateRequest> = {}): AnnotateRequest => ({
  namespace: 'apps',
  privileged: true,
  scoped: [],
  denyOthers: false,
  policyApis: undefined,
  ...over,
});

const sccRole = (name: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name, namespace: 'apps' },
  spec: {
    rules: [
      {
        apiGroups: ['security.openshift.io'],
        resources: ['securitycontextconstraints'],
        verbs: ['use'],
      },
    ],
  },
});

describe('planAnnotate', () => {
  it('granting shows every mover going from 1000:1000 to 0:1000 with the three capabilities, none of them named', () => {
    const plan = planAnnotate(snapshotOf([ns(), mover('a'), mover('b')]), req());
    expect(plan.annotations).toEqual({ [privilegedMoversKey]: 'true' });
    expect(
      plan.movers.map((m) => [m.name, m.before.uid, m.after.uid, m.after.capabilities]),
    ).toEqual([
      ['a', 1000, 0, ['CHOWN', 'DAC_OVERRIDE', 'FOWNER']],
      ['b', 1000, 0, ['CHOWN', 'DAC_OVERRIDE', 'FOWNER']],
    ]);
    expect(plan.unnamedChanges).toEqual(['ReplicationSource/a', 'ReplicationSource/b']);
    expect(plan.roles.map((r) => r.effect)).toEqual([
      'gains the SCC use rule',
      'gains the SCC use rule',
    ]);
  });

  it.each([
    ['MutatingAdmissionPolicy', { mutating: 'v1', validating: 'v1' }, 'demote'],
    ['only ValidatingAdmissionPolicy', { mutating: null, validating: 'v1' }, 'deny'],
  ] as const)(
    '--scoped on a namespace holding only the listed mover, on a cluster serving %s: the annotation, the scope, and a policy that catches a mover added later',
    (_what, policyApis, policy) => {
      const plan = planAnnotate(
        snapshotOf([ns(), mover('a')]),
        req({ scoped: [{ kind: 'ReplicationSource', name: 'a' }], policyApis }),
      );
      expect(plan.mechanism).toMatchObject({ kind: 'admission-policy', policy });
      expect(plan.mechanism.why).toMatch(/holds only the listed movers.*any mover added later/);
      expect(plan.annotations).toEqual({
        [privilegedMoversKey]: 'true',
        [scopedToKey]: 'ReplicationSource/a',
      });
      expect(plan.unnamedChanges).toEqual([]);
      // no other mover to ask the server about: a mover added later, never created
      expect(plan.probe).toMatchObject({
        subject: 'ReplicationSource/apps/volsync-perms-probe',
        expect: policy,
      });
    },
  );

  it('--scoped on a namespace holding only the listed mover, where the cluster serves no admission policy: the scope is only recorded, and the plan says a later mover is root', () => {
    const plan = planAnnotate(
      snapshotOf([ns(), mover('a')]),
      req({ ...scopedA, policyApis: { mutating: null, validating: null } }),
    );
    expect(plan.mechanism.kind).toBe('namespace-scoped');
    expect(plan.mechanism.why).toMatch(/a mover added later gets UID 0.*VP018/);
    expect(plan.objects.map((o) => o['kind'])).toEqual(['Namespace']);
  });

  it('--scoped offline without --policy-api is a usage error: the scope could not be enforced for a mover added later', () => {
    expect(() => planAnnotate(snapshotOf([ns(), mover('a')]), req(scopedA))).toThrow(
      /pass --policy-api v1\|v1beta1/,
    );
  });

  it('--scoped with other movers in the namespace is refused with the namespace-split steps, and writes nothing', () => {
    const plan = planAnnotate(
      snapshotOf([ns(), mover('a'), mover('b')]),
      req({ scoped: [{ kind: 'ReplicationSource', name: 'a' }] }),
    );
    expect(plan.mechanism).toMatchObject({ kind: 'refused' });
    expect(plan.mechanism.kind === 'refused' && plan.mechanism.steps[0]).toBe(
      'kubectl create namespace apps-privileged',
    );
    expect(plan.annotations).toEqual({});
    expect(plan.movers.every((m) => m.changed.length === 0)).toBe(true);
  });

  it('removing reports the stale SCC rules of the Roles read, for --prune-stale-grants', () => {
    const objects = [ns({ [privilegedMoversKey]: 'true' }), mover('a'), sccRole('volsync-src-a')];
    const plan = planAnnotate(snapshotOf(objects), req({ privileged: false }));
    expect(plan.annotations).toEqual({ [privilegedMoversKey]: null });
    expect(plan.staleRoles).toEqual(['volsync-src-a']);
    expect(plan.movers[0]?.after.uid).toBe(1000);
  });

  it('a mover with its own moverServiceAccount gets no Role from VolSync, so none is reported', () => {
    const own = rs('own', 'restic', { repository: 'r', moverServiceAccount: 'sa', ...sc }, 'apps');
    expect(planAnnotate(snapshotOf([ns(), own]), req()).roles).toEqual([]);
  });

  it('--scoped with other movers, on a cluster serving MutatingAdmissionPolicy: the annotation plus a policy that keeps the others as they were', () => {
    const plan = planAnnotate(
      snapshotOf([ns(), mover('a'), mover('b')]),
      req({ ...scopedA, policyApis: v1 }),
    );
    expect(plan.mechanism).toMatchObject({ kind: 'admission-policy', policy: 'demote', api: 'v1' });
    expect(plan.objects.map((o) => o['kind'])).toEqual([
      'MutatingAdmissionPolicy',
      'MutatingAdmissionPolicyBinding',
      'MutatingAdmissionPolicyBinding',
      'MutatingAdmissionPolicyBinding',
      'Namespace',
    ]);
    expect(plan.annotations).toEqual({
      [privilegedMoversKey]: 'true',
      [scopedToKey]: 'ReplicationSource/a',
    });
    expect(plan.movers.map((m) => [m.name, m.after.uid, m.policy])).toEqual([
      ['a', 0, undefined],
      ['b', 1000, 'demoted'],
    ]);
    expect(plan.unnamedChanges).toEqual([]);
    expect(plan.probe).toMatchObject({ subject: 'ReplicationSource/apps/b', expect: 'demote' });
  });

  it('without MutatingAdmissionPolicy, --deny-others rejects the others; without it the plan is refused and says --deny-others exists', () => {
    const objects = [ns(), mover('a'), mover('b')];
    const deny = planAnnotate(
      snapshotOf(objects),
      req({ ...scopedA, policyApis: noMap, denyOthers: true }),
    );
    expect(deny.mechanism).toMatchObject({ kind: 'admission-policy', policy: 'deny' });
    expect(deny.movers.find((m) => m.name === 'b')?.policy).toBe('rejected');
    const refused = planAnnotate(snapshotOf(objects), req({ ...scopedA, policyApis: noMap }));
    expect(refused.mechanism.kind).toBe('refused');
    expect(refused.mechanism.why).toMatch(/--deny-others would reject/);
    expect(refused.objects).toEqual([]);
    expect(refused.mechanism.kind === 'refused' && refused.mechanism.steps[2]).toBe(
      'kubectl volsync-perms annotate ns/apps-privileged --privileged --scoped rs/a --apply',
    );
  });

  it('a deny policy granted while the namespace was alone keeps rejecting a mover added later: the same grant run again changes nothing', () => {
    const alone = [ns(), mover('a')];
    const request = req({ ...scopedA, policyApis: noMap });
    const state = applyPlan(alone, planAnnotate(snapshotOf(alone), request));
    const again = planAnnotate(snapshotOf([...state, mover('late')]), request);
    expect(again.mechanism).toMatchObject({ kind: 'admission-policy', policy: 'deny' });
    expect(again.mechanism.why).toMatch(/as since the grant/);
    expect(again.objects).toEqual([]);
    expect(again.movers.find((m) => m.name === 'late')?.policy).toBe('rejected');
  });

  it('an unscoped grant or a removal deletes the policy a scope left', () => {
    const scoped = planAnnotate(
      snapshotOf([ns(), mover('a'), mover('b')]),
      req({ ...scopedA, policyApis: v1 }),
    );
    const state = applyPlan([ns(), mover('a'), mover('b')], scoped);
    for (const privileged of [true, false]) {
      const plan = planAnnotate(snapshotOf(state), req({ privileged, policyApis: v1 }));
      expect(plan.deletes.map((d) => `${d.kind}/${d.name}`)).toEqual([
        'MutatingAdmissionPolicy/volsync-perms-scope-apps',
        'MutatingAdmissionPolicyBinding/volsync-perms-scope-apps-movers',
        'MutatingAdmissionPolicyBinding/volsync-perms-scope-apps-syncthing',
        'MutatingAdmissionPolicyBinding/volsync-perms-scope-apps-mislabelled',
      ]);
    }
  });

  it('refuses a --scoped mover that is not in the namespace', () => {
    expect(() =>
      planAnnotate(
        snapshotOf([ns(), mover('a')]),
        req({ scoped: [{ kind: 'ReplicationDestination', name: 'a' }] }),
      ),
    ).toThrow(/not a mover of namespace apps/);
  });

  it('verification reports a mover the server rejected, and one it was not asked about', () => {
    const objects = [ns(), mover('a'), mover('b')];
    const plan = planAnnotate(snapshotOf(objects), req());
    const after = snapshotOf([ns({ [privilegedMoversKey]: 'true' }), mover('a'), mover('b')]);
    after.serverDryRun = {
      'ReplicationSource/apps/a': { admitted: false, message: 'violates PodSecurity' },
    };
    expect(verifyAnnotatePlan(plan, after)).toEqual([
      {
        kind: 'ReplicationSource',
        name: 'a',
        outcome: 'rejected',
        message: 'violates PodSecurity',
      },
      { kind: 'ReplicationSource', name: 'b', outcome: 'not-asked' },
    ]);
  });

  it('applying a plan to its own result yields an empty plan (property)', () => {
    const annotations = fc.record(
      {
        [privilegedMoversKey]: fc.constantFrom('true', 'TRUE', 'false', ' true', ''),
        [scopedToKey]: fc.constantFrom('ReplicationSource/m0', 'ReplicationSource/x'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        annotations,
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(undefined, 'v1', 'v1beta1', null),
        fc.constantFrom('v1', null),
        fc.boolean(),
        (current, count, privileged, scoped, mutating, validating, denyOthers) => {
          const names = Array.from({ length: count }, (_, i) => `m${i}`);
          const objects: KubeObject[] = [
            ns(current),
            ...names.map(mover),
            replication('ReplicationDestination', 'm0', 'restic', { repository: 'r' }, 'apps'),
          ];
          const request = req({
            privileged,
            // all movers, or only the first: the namespace switch or a policy
            scoped:
              privileged && scoped
                ? count > 1 && denyOthers
                  ? [{ kind: 'ReplicationSource' as const, name: 'm0' }]
                  : [
                      ...names.map((name) => ({ kind: 'ReplicationSource' as const, name })),
                      { kind: 'ReplicationDestination' as const, name: 'm0' },
                    ]
                : [],
            denyOthers,
            policyApis: mutating === undefined ? undefined : { mutating, validating },
          });
          // every mover listed, offline without --policy-api: a usage error, nothing to apply
          if (request.policyApis === undefined && request.scoped.length > count) return;
          const plan = planAnnotate(snapshotOf(objects), request);
          const applied = applyPlan(objects, plan);
          const next = planAnnotate(snapshotOf(applied), request);
          expect(next.objects).toEqual([]);
          expect(next.deletes).toEqual([]);
          expect(next.movers.every((m) => m.changed.length === 0)).toBe(true);
          // a mover added after the grant needs no new run: the policy already catches it
          if (plan.mechanism.kind !== 'admission-policy') return;
          const later = planAnnotate(snapshotOf([...applied, mover('late')]), request);
          expect(later.objects).toEqual([]);
          expect(later.deletes).toEqual([]);
          const late = later.movers.find((m) => m.name === 'late');
          expect(late?.after.uid).toBe(plan.mechanism.policy === 'demote' ? 1000 : 0);
          expect(late?.policy).toBe(plan.mechanism.policy === 'demote' ? 'demoted' : 'rejected');
        },
      ),
    );
  });
});

/** The objects after --apply: policy objects written or deleted, annotations set (null removes). */
function applyPlan(objects: KubeObject[], plan: AnnotatePlan): KubeObject[] {
  const key = (o: { kind: string; name: string }) => `${o.kind}/${o.name}`;
  const written = plan.objects.filter((o) => o['kind'] !== 'Namespace') as unknown as KubeObject[];
  const gone = new Set([
    ...plan.deletes.map(key),
    ...written.map((o) => key({ kind: o.kind, name: o.metadata.name })),
  ]);
  const kept = objects
    .filter((o) => !gone.has(key({ kind: o.kind, name: o.metadata.name })))
    .map((o) => {
      if (o.kind !== 'Namespace' || o.metadata.name !== plan.namespace) return o;
      const merged = Object.entries({ ...o.metadata.annotations, ...plan.annotations }).filter(
        (e): e is [string, string] => e[1] !== null,
      );
      return { ...o, metadata: { ...o.metadata, annotations: Object.fromEntries(merged) } };
    });
  return [...kept, ...written];
}
