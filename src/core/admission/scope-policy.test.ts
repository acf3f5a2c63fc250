import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveReport } from '../report/resolve-report.js';
import { namespace, rs, snapshotOf, withSc } from '../test-support/builders.js';
import { buildMoverPod } from '../volsync/build-mover-pod.js';
import { buildMaintenancePods, parseKopiaMaintenance } from '../volsync/kopia-maintenance.js';
import type { MoverSpec, ReplicationKind } from '../volsync/mover-spec.js';
import { moverRules, moverTypes, type MoverType } from '../volsync/movers.js';
import { podLabels } from '../volsync/pod-manifest.js';
import type { PodSecurityContext } from '../k8s/types.js';
import {
  demotePod,
  deniesPod,
  listedPods,
  ownPolicyObjects,
  policyInForce,
  scopePoliciesFor,
  scopePolicyObjects,
  type ScopePolicyRequest,
} from './scope-policy.js';

/** The scope of every case: restic rs/a and syncthing rs/s are listed, nothing else is. */
const request = (over: Partial<ScopePolicyRequest> = {}): ScopePolicyRequest => ({
  kind: 'demote',
  api: 'v1',
  namespace: 'apps',
  scopedTo: 'ReplicationSource/a,ReplicationSource/s',
  listed: { jobs: ['volsync-src-a'], syncthing: ['s'] },
  ...over,
});
const jobPod = (job: string) => ({
  'app.kubernetes.io/created-by': 'volsync',
  'batch.kubernetes.io/job-name': job,
  'job-name': job,
});
const syncthingPod = (name: string) => ({
  'app.kubernetes.io/created-by': 'volsync',
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/component': 'syncthing-mover',
  'app.kubernetes.io/part-of': 'volsync',
  'pod-template-hash': '5d8f9c7b6',
});

const moverSpec = (
  mover: MoverType,
  sc: PodSecurityContext,
  name = 'b',
  kind: ReplicationKind = 'ReplicationSource',
): MoverSpec => ({
  kind,
  namespace: 'apps',
  name,
  mover,
  moverVolumes: [],
  moverSecurityContext: sc,
});
const dualMode = moverTypes.filter((m) => !moverRules[m].alwaysPrivileged);

describe('the demote policy model', () => {
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

  it('leaves legacy rsync alone: it is root with or without the annotation, and its pod carries no PRIVILEGED_MOVER', () => {
    const pod = buildMoverPod(moverSpec('rsync', {}), false, 'img').pod;
    expect(pod.containers[0]?.securityContext?.runAsUser).toBe(0);
    expect(demotePod(pod)).toBeNull();
    expect(deniesPod(pod)).toBe(false);
  });

  it('leaves KopiaMaintenance pods alone: the fork never makes them privileged', () => {
    const m = parseKopiaMaintenance({
      apiVersion: 'volsync.backube/v1alpha1',
      kind: 'KopiaMaintenance',
      metadata: { name: 'm', namespace: 'apps' },
      spec: { repository: { repository: 'r' }, trigger: { manual: 'now' } },
    });
    for (const built of buildMaintenancePods(
      m,
      'img',
      { cacheSizeLimit: '8Gi', moverVolumes: true },
      [],
    )) {
      expect(demotePod(built.pod)).toBeNull();
      expect(deniesPod(built.pod)).toBe(false);
    }
  });
});

describe('the bindings select by exclusion', () => {
  const objects = scopePolicyObjects(request());
  const selecting = (labels: Record<string, string>, ns = 'apps') =>
    scopePoliciesFor(objects, ns, {}, labels).map((p) => p.binding.split('-apps-')[1]);

  it.each<[string, Record<string, string>, string]>([
    ['the Job pod of a mover not listed', jobPod('volsync-src-b'), 'movers'],
    [
      'a Job pod whose moverPodLabels overwrote created-by',
      { ...jobPod('volsync-src-b'), 'app.kubernetes.io/created-by': 'me' },
      'movers',
    ],
    ['a pod of no Job and no syncthing', {}, 'movers'],
    ['the syncthing pod of a mover not listed', syncthingPod('t'), 'syncthing'],
    [
      'an rsync-tls pod whose name label is a listed syncthing RS',
      {
        ...jobPod('volsync-rsync-tls-src-x'),
        'app.kubernetes.io/name': 's',
        'app.kubernetes.io/component': 'rsync-tls-mover',
      },
      'movers',
    ],
    [
      'a syncthing pod given a listed Job name through moverPodLabels',
      { ...syncthingPod('t'), 'batch.kubernetes.io/job-name': 'volsync-src-a' },
      'mislabelled',
    ],
    [
      'a Job pod dressed up as the listed syncthing mover through moverPodLabels',
      { ...jobPod('volsync-src-b'), ...syncthingPod('s') },
      'mislabelled',
    ],
  ])('selects %s', (_what, labels, binding) => {
    expect(selecting(labels)).toEqual([binding]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['the listed Job pod', jobPod('volsync-src-a'), 'apps'],
    ['the listed syncthing pod', syncthingPod('s'), 'apps'],
    ['a pod of another namespace', jobPod('volsync-src-b'), 'other'],
  ])('does not select %s', (_what, labels, ns) => {
    expect(selecting(labels, ns)).toEqual([]);
  });

  it('the three bindings never overlap, and together select every pod but the listed ones (property)', () => {
    const value = (...v: string[]) => fc.option(fc.constantFrom(...v), { nil: undefined });
    const labels = fc.record({
      'batch.kubernetes.io/job-name': value('volsync-src-a', 'volsync-src-b', 'volsync-s'),
      'app.kubernetes.io/component': value('syncthing-mover', 'rsync-tls-mover', ''),
      'app.kubernetes.io/name': value('s', 'a', 'b', 'src-a'),
      'app.kubernetes.io/created-by': value('volsync', 'me'),
    });
    fc.assert(
      fc.property(labels, (l) => {
        const set = Object.fromEntries(
          Object.entries(l).filter((e): e is [string, string] => e[1] !== undefined),
        );
        const job = set['batch.kubernetes.io/job-name'];
        const syncthing = set['app.kubernetes.io/component'] === 'syncthing-mover';
        const listed =
          (job === 'volsync-src-a' && !syncthing) ||
          (job === undefined && syncthing && set['app.kubernetes.io/name'] === 's');
        expect(selecting(set)).toHaveLength(listed ? 0 : 1);
      }),
    );
  });

  it('without listed syncthing movers every syncthing pod is selected; without listed Jobs every Job pod', () => {
    const none = scopePolicyObjects(request({ listed: { jobs: [], syncthing: [] } }));
    for (const labels of [syncthingPod('s'), jobPod('volsync-src-a'), {}])
      expect(scopePoliciesFor(none, 'apps', {}, labels)).toHaveLength(1);
  });

  it('a binding whose policy is missing does nothing', () => {
    const bindings = objects.filter((o) => o.kind.endsWith('Binding'));
    expect(scopePoliciesFor(bindings, 'apps', {}, jobPod('volsync-src-b'))).toEqual([]);
  });

  it('finds its own objects by namespace, not by name prefix', () => {
    const other = scopePolicyObjects(request({ namespace: 'apps-jobs' }));
    expect(ownPolicyObjects([...objects, ...other], 'apps')).toEqual(objects);
  });

  it('the deny policy binds with the Deny action and names the scope in its message', () => {
    const [policy, ...bindings] = scopePolicyObjects(request({ kind: 'deny' }));
    expect(policy).toMatchObject({ kind: 'ValidatingAdmissionPolicy' });
    expect(JSON.stringify(policy)).toContain(
      'granted only to ReplicationSource/a,ReplicationSource/s',
    );
    expect(bindings).toHaveLength(3);
    for (const b of bindings) expect(b).toMatchObject({ spec: { validationActions: ['Deny'] } });
  });
});

describe('a mover created after the grant', () => {
  // what the grant listed: restic rs/a and syncthing rs/s
  const listed = [moverSpec('restic', {}, 'a'), moverSpec('syncthing', {}, 's')];
  const later = dualMode.flatMap((mover) =>
    (['ReplicationSource', 'ReplicationDestination'] as const)
      .filter((kind) => kind === 'ReplicationSource' || !moverRules[mover].sourceOnly)
      .map((kind) => moverSpec(mover, { runAsUser: 1000, runAsGroup: 1000 }, 'late', kind)),
  );

  it.each(later.map((m) => [`${m.kind} ${m.mover}`, m] as const))(
    '%s is demoted to exactly the pod VolSync builds without the annotation, and rejected by the deny policy',
    (_what, spec) => {
      for (const kind of ['demote', 'deny'] as const) {
        const objects = scopePolicyObjects(request({ kind, listed: listedPods(listed) }));
        const on = buildMoverPod(spec, true, 'img');
        const policies = scopePoliciesFor(objects, 'apps', {}, podLabels(on));
        expect(policies.map((p) => p.kind)).toEqual([kind]);
        if (kind === 'demote')
          expect(demotePod(on.pod)?.pod).toEqual(buildMoverPod(spec, false, 'img').pod);
        else expect(deniesPod(on.pod)).toBe(true);
      }
    },
  );

  it('the listed movers themselves stay privileged: no binding selects their pods', () => {
    const objects = scopePolicyObjects(request({ listed: listedPods(listed) }));
    for (const m of listed)
      expect(
        scopePoliciesFor(objects, 'apps', {}, podLabels(buildMoverPod(m, true, 'img'))),
      ).toEqual([]);
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

  it('a mover added after the grant is demoted, not reported as an escape (VP018); legacy rsync stays root, as it is without the annotation; without the policy the late-comer is VP018', () => {
    const objects = [
      namespace('apps', {
        'volsync.backube/privileged-movers': 'true',
        'volsync-perms.io/scoped-to': 'ReplicationSource/a,ReplicationSource/s',
      }),
      rs('a', 'restic', { repository: 'r', ...sc }, 'apps'),
      rs('late', 'restic', { repository: 'r', ...sc }, 'apps'),
      rs('old', 'rsync', { address: 'h' }, 'apps'),
    ];
    const codes = (o: typeof objects) =>
      resolveReport(snapshotOf(o), { all: false, namespace: 'apps' }).subjects.map((x) => [
        x.name,
        x.containers[0]?.identity.uid,
        x.findings.map((f) => f.code).filter((c) => c === 'VP018'),
      ]);
    expect(codes([...objects, ...scopePolicyObjects(request())])).toEqual([
      ['a', 0, []],
      ['late', 1000, []],
      ['old', 0, []],
    ]);
    expect(codes(objects)).toEqual([
      ['a', 0, []],
      ['late', 0, ['VP018']],
      ['old', 0, []],
    ]);
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

describe('listedPods and policyInForce', () => {
  it('names Job pods by the Job VolSync runs and syncthing pods by the RS, both hashed past 63 characters', () => {
    const long = 'a'.repeat(64);
    const t = listedPods([
      moverSpec('kopia', {}, 'b'),
      moverSpec('restic', {}, long),
      moverSpec('syncthing', {}, 's'),
      moverSpec('syncthing', {}, long),
    ]);
    expect(t.syncthing[0]).toBe('s');
    expect(t.syncthing[1]).toMatch(/^[0-9a-f]{8}$/);
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
