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
const ns = (annotations: Record<string, string> = {}) => namespace('apps', annotations);
const mover = (name: string) => rs(name, 'restic', { repository: 'r', ...sc }, 'apps');
const req = (over: Partial<AnnotateRequest> = {}): AnnotateRequest => ({
  namespace: 'apps',
  privileged: true,
  scoped: [],
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

  it('--scoped on a namespace holding only the listed mover annotates it and records the scope', () => {
    const plan = planAnnotate(
      snapshotOf([ns(), mover('a')]),
      req({ scoped: [{ kind: 'ReplicationSource', name: 'a' }] }),
    );
    expect(plan.mechanism.kind).toBe('namespace-scoped');
    expect(plan.annotations).toEqual({
      [privilegedMoversKey]: 'true',
      [scopedToKey]: 'ReplicationSource/a',
    });
    expect(plan.unnamedChanges).toEqual([]);
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
        (current, count, privileged, scoped) => {
          const names = Array.from({ length: count }, (_, i) => `m${i}`);
          const objects: KubeObject[] = [
            ns(current),
            ...names.map(mover),
            replication('ReplicationDestination', 'm0', 'restic', { repository: 'r' }, 'apps'),
          ];
          const request = req({
            privileged,
            scoped:
              privileged && scoped
                ? [
                    ...names.map((name) => ({ kind: 'ReplicationSource' as const, name })),
                    { kind: 'ReplicationDestination' as const, name: 'm0' },
                  ]
                : [],
          });
          const plan = planAnnotate(snapshotOf(objects), request);
          const next = planAnnotate(
            snapshotOf([applied(objects[0] as KubeObject, plan), ...objects.slice(1)]),
            request,
          );
          expect(next.annotations).toEqual({});
          expect(next.movers.every((m) => m.changed.length === 0)).toBe(true);
        },
      ),
    );
  });
});

/** The Namespace after the plan's annotations are written (null removes). */
function applied(n: KubeObject, plan: AnnotatePlan): KubeObject {
  const merged = Object.entries({ ...n.metadata.annotations, ...plan.annotations }).filter(
    (e): e is [string, string] => e[1] !== null,
  );
  return { ...n, metadata: { ...n.metadata, annotations: Object.fromEntries(merged) } };
}
