import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kopiurVersionOfFlag } from '../kopiur/resolve-kopiur-version.js';
import type { KubeObject } from '../k8s/object.js';
import { deployment, namespace, snapshotOf } from '../test-support/builders.js';
import {
  kopiur,
  nfsRepository,
  policy,
  restore,
  snapshotRow,
} from '../test-support/kopiur-builders.js';
import { resolveReport, resolveSubjectReport } from './resolve-report.js';

const gateKey = 'kopiur.home-operations.com/privileged-movers';

function run(objects: KubeObject[], version = '0.10.8') {
  const snapshot = { ...snapshotOf(objects), kopiurVersion: kopiurVersionOfFlag(version) };
  return resolveReport(snapshot, { all: true });
}
const subject = (objects: KubeObject[], name: string, version?: string) => {
  const s = run(objects, version).subjects.find((x) => x.name === name);
  if (!s) throw new Error(`no subject ${name}`);
  return s;
};
const identity = (objects: KubeObject[], name: string, version?: string) =>
  subject(objects, name, version).containers[0]?.identity;
const codes = (objects: KubeObject[], name: string) =>
  subject(objects, name).findings.map((f) => f.code);

/** A policy backing up PVC sonarr with pvcConsumer, beside the workloads given. */
const consumerOf = (...workloads: KubeObject[]) => [
  namespace('media'),
  nfsRepository(),
  ...workloads,
  policy('sonarr', { inheritSecurityContextFrom: { pvcConsumer: {} } }),
];

describe('kopiur movers through the identity engine', () => {
  it('a SnapshotPolicy with no mover runs as the image user 65532:65532 with fsGroup 65532 and no capabilities', () => {
    expect(
      identity([namespace('media'), nfsRepository(), policy('sonarr')], 'sonarr'),
    ).toMatchObject({
      uid: 65532,
      gid: 65532,
      fsGroup: 65532,
      capabilities: [],
    });
  });

  it.each([
    ['0.8.2', 568],
    ['0.10.8', 1000],
  ])(
    'moverDefaults container runAsUser 568 under a policy pod runAsUser 1000: kopiur %s runs UID %i',
    (version, uid) => {
      const objects = [
        namespace('media'),
        nfsRepository({ securityContext: { runAsUser: 568 } }),
        policy('sonarr', { podSecurityContext: { runAsUser: 1000, runAsGroup: 1000 } }),
      ];
      expect(identity(objects, 'sonarr', version)?.uid).toBe(uid);
    },
  );

  it('pvcConsumer inherits the UID of the workload mounting the source PVC', () => {
    const app = deployment('sonarr', 'media', {
      securityContext: { runAsUser: 568, runAsGroup: 568, fsGroup: 568 },
      containers: [{ name: 'app', image: 'sonarr' }],
      volumes: [{ name: 'config', persistentVolumeClaim: { claimName: 'sonarr' } }],
    });
    const objects = consumerOf(app);
    const s = subject(objects, 'sonarr');
    expect(s.containers[0]?.identity).toMatchObject({ uid: 568, gid: 568, fsGroup: 568 });
    expect(
      s.containers[0]?.trace.find((t) => t.field === 'inheritSecurityContextFrom'),
    ).toMatchObject({
      value: 'InheritApplied',
    });
  });

  it('pvcConsumer without a container name inherits from the container that mounts the claim, not an injected sidecar listed first', () => {
    const app = deployment('sonarr', 'media', {
      containers: [
        { name: 'istio-proxy', image: 'proxyv2', securityContext: { runAsUser: 1337 } },
        {
          name: 'app',
          image: 'sonarr',
          securityContext: { runAsUser: 568, runAsGroup: 568 },
          volumeMounts: [{ name: 'config', mountPath: '/config' }],
        },
      ],
      volumes: [{ name: 'config', persistentVolumeClaim: { claimName: 'sonarr' } }],
    });
    const objects = consumerOf(app);
    expect(identity(objects, 'sonarr')).toMatchObject({ uid: 568, gid: 568 });
  });

  it.each([
    ['no pod mounts the PVC', [], {}, 'MissingDependency'],
    [
      'no pod mounts the PVC, an explicit runAsUser',
      [],
      { podSecurityContext: { runAsUser: 1000 } },
      'InheritFallback',
    ],
  ])('pvcConsumer when %s: %s', (_what, extra, explicit, reason) => {
    const objects = [
      namespace('media'),
      nfsRepository(),
      ...(extra as KubeObject[]),
      policy('sonarr', { ...explicit, inheritSecurityContextFrom: { pvcConsumer: {} } }),
    ];
    const trace = subject(objects, 'sonarr').containers[0]?.trace ?? [];
    expect(trace.find((t) => t.field === 'inheritSecurityContextFrom')?.value).toBe(reason);
  });

  it('no pod mounting the source is VP032 (kopiur holds the run) on a cluster read only: files may leave the workload out', () => {
    const objects = consumerOf();
    const read = (complete: boolean) =>
      resolveReport(
        {
          ...snapshotOf(objects),
          namespacesComplete: complete,
          kopiurVersion: kopiurVersionOfFlag('0.10.8'),
        },
        { all: true },
      )
        .subjects.find((x) => x.name === 'sonarr')
        ?.findings.map((f) => f.code);
    expect(read(true)).toContain('VP032');
    expect(read(false)).not.toContain('VP032');
  });

  it('a workload whose UID comes from its image gives nothing to inherit: the mover stays 65532 (InheritPinnedNoUid)', () => {
    const app = deployment('frigate', 'media', {
      securityContext: { fsGroup: 1000 },
      containers: [{ name: 'app', image: 'frigate' }],
    });
    app.spec = {
      template: {
        metadata: { labels: { app: 'frigate' } },
        spec: (app.spec as { template: { spec: unknown } }).template.spec,
      },
    };
    const objects = [
      namespace('media'),
      nfsRepository(),
      app,
      policy('frigate', {
        inheritSecurityContextFrom: {
          workloadSelector: { podSelector: { matchLabels: { app: 'frigate' } } },
        },
      }),
    ];
    const s = subject(objects, 'frigate');
    expect(s.containers[0]?.identity.uid).toBe(65532);
    expect(
      s.containers[0]?.trace.find((t) => t.field === 'inheritSecurityContextFrom')?.value,
    ).toBe('InheritPinnedNoUid');
  });

  it('Snapshot.spec.mover is a rung only on main (post-0.10.8); 0.10.8 ignores it and says so', () => {
    const snap = kopiur('Snapshot', 'sonarr-manual', {
      policyRef: { name: 'sonarr' },
      mover: { podSecurityContext: { runAsUser: 2000 } },
    });
    const objects = [namespace('media'), nfsRepository(), policy('sonarr'), snap];
    expect(identity(objects, 'sonarr-manual', 'main')?.uid).toBe(2000);
    expect(identity(objects, 'sonarr-manual', '0.10.8')?.uid).toBe(65532);
  });

  it('a Repository missing from the input is said in the trace', () => {
    const trace =
      subject([namespace('media'), policy('sonarr')], 'sonarr').containers[0]?.trace ?? [];
    expect(
      trace.some((t) => t.field === 'spec.repository' && t.effect.includes('not in the input')),
    ).toBe(true);
  });
});

describe('kopiur findings', () => {
  const root = { securityContext: { runAsUser: 0, runAsGroup: 0 } };
  it.each([
    [undefined, ['VP027', 'VP028']],
    ['True', ['VP027', 'VP028']],
    ['true', ['VP028']],
  ])('a root mover in a Namespace whose annotation is %j: %j', (value, want) => {
    const ns = namespace('media', value === undefined ? {} : { [gateKey]: value });
    const got = codes([ns, nfsRepository(), policy('matter', root)], 'matter');
    for (const c of want) expect(got).toContain(c);
    if (!want.includes('VP027')) expect(got).not.toContain('VP027');
    expect(got).not.toContain('VP009');
    expect(got).not.toContain('VP007');
  });

  it('"True" is named as the spelling kopiur does not accept', () => {
    const ns = namespace('media', { [gateKey]: 'True' });
    const f = subject([ns, nfsRepository(), policy('matter', root)], 'matter').findings.find(
      (x) => x.code === 'VP027',
    );
    expect(f?.message).toContain('exactly "true"');
  });

  it("root with DAC_READ_SEARCH can read others' files: no VP028", () => {
    const ns = namespace('media', { [gateKey]: 'true' });
    const mover = {
      securityContext: { runAsUser: 0, runAsGroup: 0, capabilities: { add: ['DAC_READ_SEARCH'] } },
    };
    expect(codes([ns, nfsRepository(), policy('matter', mover)], 'matter')).not.toContain('VP028');
  });

  it('runAsUser without runAsGroup on the distroless mover gives GID 0 (VP029)', () => {
    const objects = [
      namespace('media'),
      nfsRepository(),
      policy('sonarr', { podSecurityContext: { runAsUser: 568 } }),
    ];
    expect(identity(objects, 'sonarr')?.gid).toBe(0);
    expect(codes(objects, 'sonarr')).toContain('VP029');
  });

  it("a Restore keeping kopiur's fsGroup 65532 on its target PVC is VP030; an fsGroup of its own is not", () => {
    const ns = namespace('media');
    expect(codes([ns, nfsRepository(), restore('sonarr')], 'sonarr-restore')).toContain('VP030');
    expect(
      codes(
        [ns, nfsRepository(), restore('sonarr', { podSecurityContext: { fsGroup: 568 } })],
        'sonarr-restore',
      ),
    ).not.toContain('VP030');
  });
});

describe('a Restore inheriting the identity recorded on its backup (kopiur.md §6, 0.9.0+)', () => {
  const fromSnapshot = (extra: Record<string, unknown> = {}) =>
    restore('pg', { inheritSecurityContextFrom: { snapshot: {} }, ...extra });
  const recorded = (r?: Record<string, unknown>) =>
    snapshotRow('pg-1', 'pg@media', '2026-06-01T00:00:00Z', r);
  const base = (...more: KubeObject[]) => [
    namespace('media'),
    nfsRepository(),
    policy('pg'),
    ...more,
  ];
  const inheritStep = (objects: KubeObject[]) =>
    subject(objects, 'pg-restore').containers[0]?.trace.find(
      (t) => t.field === 'inheritSecurityContextFrom',
    );

  it('runs as the recorded uid, gid and fsGroup (RecordedApplied), naming the Snapshot and its src', () => {
    const objects = base(recorded({ uid: 10000, gid: 10000, fsGroup: 10000 }), fromSnapshot());
    expect(identity(objects, 'pg-restore')).toMatchObject({
      uid: 10000,
      gid: 10000,
      fsGroup: 10000,
    });
    expect(inheritStep(objects)).toMatchObject({ value: 'RecordedApplied' });
    expect(inheritStep(objects)?.effect).toContain('Snapshot/media/pg-1 recorded uid 10000');
    expect(inheritStep(objects)?.effect).toContain('never workload-derived');
  });

  it.each([
    ['the recorded uid beats moverDefaults', { securityContext: { runAsUser: 568 } }, {}, 1000],
    [
      'an explicit runAsUser beats the recorded uid',
      undefined,
      { podSecurityContext: { runAsUser: 2000, runAsGroup: 2000 } },
      2000,
    ],
  ])('%s', (_what, defaults, explicit, uid) => {
    const objects = [
      namespace('media'),
      nfsRepository(defaults),
      policy('pg'),
      recorded({ uid: 1000, gid: 1000 }),
      fromSnapshot(explicit),
    ];
    expect(identity(objects, 'pg-restore')?.uid).toBe(uid);
  });

  it('a recorded root uid is gated like any root mover: VP027 without the annotation', () => {
    const objects = base(recorded({ uid: 0, gid: 0 }), fromSnapshot());
    expect(identity(objects, 'pg-restore')?.uid).toBe(0);
    expect(codes(objects, 'pg-restore')).toContain('VP027');
  });

  it('nothing beyond the baseline recorded: the image user 65532 stays (RecordedPinnedNoUid)', () => {
    const objects = base(recorded({ fsGroup: 65532 }), fromSnapshot());
    expect(identity(objects, 'pg-restore')?.uid).toBe(65532);
    expect(inheritStep(objects)?.value).toBe('RecordedPinnedNoUid');
  });

  it.each([
    ['no explicit runAsUser: held', {}, 'MissingRecordedIdentity'],
    [
      'an explicit runAsUser: it is used',
      { podSecurityContext: { runAsUser: 568 } },
      'InheritFallback',
    ],
  ])('a backup VolSync wrote carries no recorded identity, %s', (_what, explicit, reason) => {
    const objects = base(recorded(), fromSnapshot(explicit));
    expect(inheritStep(objects)?.value).toBe(reason);
    if (reason === 'MissingRecordedIdentity')
      expect(codes(objects, 'pg-restore')).toContain('VP032');
    else expect(codes(objects, 'pg-restore')).not.toContain('VP032');
  });

  it('a Snapshot row in the input without any status says nothing recorded is known, not held', () => {
    const row = kopiur('Snapshot', 'pg-1', {});
    const restoreRef = kopiur('Restore', 'pg-restore', {
      source: { snapshotRef: { name: 'pg-1' } },
      target: { pvcRef: { name: 'pg' } },
      mover: { inheritSecurityContextFrom: { snapshot: {} } },
    });
    const objects = base(row, restoreRef);
    expect(inheritStep(objects)?.value).toBe('unknown');
    expect(codes(objects, 'pg-restore')).not.toContain('VP032');
  });

  it('the Snapshot rows are not in the input: uid, gid and fsGroup unknown, what is pinned stays', () => {
    const objects = base(fromSnapshot());
    const report = run(objects);
    expect(identity(objects, 'pg-restore')).toMatchObject({ uid: null, gid: null, fsGroup: null });
    expect(report.unknowns.map((u) => u.what)).toContain(
      'the identity recorded on the backup a Restore inherits (Snapshot.status.recorded)',
    );
    const pinned = base(
      fromSnapshot({ podSecurityContext: { runAsUser: 1000, runAsGroup: 1000 } }),
    );
    expect(identity(pinned, 'pg-restore')).toMatchObject({ uid: 1000, gid: 1000, fsGroup: null });
  });

  it('before 0.9.0 there is no snapshot form: the hardened identity, said in a note', () => {
    const objects = base(recorded({ uid: 1000 }), fromSnapshot());
    expect(identity(objects, 'pg-restore', '0.8.2')?.uid).toBe(65532);
  });
});

describe('the gate never changes the identity (kopiur.md §0 rule 6)', () => {
  it('whatever the annotation says, the mover runs with the same identity', () => {
    const mover = fc.record({
      runAsUser: fc.option(fc.constantFrom(0, 568, 1000), { nil: undefined }),
      runAsGroup: fc.option(fc.constantFrom(0, 568), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        mover,
        fc.option(fc.constantFrom('true', 'True', 'yes', ''), { nil: undefined }),
        (sc, value) => {
          const clean = Object.fromEntries(Object.entries(sc).filter(([, v]) => v !== undefined));
          const objects = (annotations: Record<string, string>) => [
            namespace('media', annotations),
            nfsRepository(),
            policy('app', { securityContext: clean }),
          ];
          const without = identity(objects({}), 'app');
          const withIt = identity(objects(value === undefined ? {} : { [gateKey]: value }), 'app');
          expect(withIt).toEqual(without);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("a repository's bootstrap Job (kopiur.md §5.2)", () => {
  const withSecret = (moverDefaults?: Record<string, unknown>): KubeObject => {
    const r = nfsRepository(moverDefaults);
    const encryption = { passwordSecretRef: { name: 'k', namespace: 'media' } };
    return { ...r, spec: { ...(r.spec as Record<string, unknown>), encryption } };
  };
  const bootstrapOf = (objects: KubeObject[]) =>
    run(objects).subjects.filter((s) => s.kind === 'Job' && s.name.endsWith('-bootstrap'));

  it.each([
    ['an NFS filesystem', withSecret(), ['media/nas-bootstrap']],
    [
      'a PVC filesystem Repository',
      kopiur('Repository', 'repo', {
        backend: { filesystem: { path: '/r', volume: { pvc: { name: 'kopia' } } } },
      }),
      ['media/repo-bootstrap'],
    ],
    [
      'an S3 Repository',
      kopiur('Repository', 'repo', { backend: { s3: { bucket: 'b' } } }),
      ['media/repo-bootstrap'],
    ],
    [
      'a bare-path filesystem (the controller connects in its own pod)',
      kopiur('Repository', 'repo', { backend: { filesystem: { path: '/r' } } }),
      [],
    ],
  ])('%s: %j', (_what, repo, want) => {
    expect(bootstrapOf([namespace('media'), repo]).map((s) => `${s.namespace}/${s.name}`)).toEqual(
      want,
    );
  });

  it("a ClusterRepository's bootstrap runs in its password Secret's namespace, else the operator's", () => {
    const op = deployment('kopiur', 'kopiur-system', {
      containers: [{ name: 'c', image: 'ghcr.io/home-operations/kopiur-controller:0.10.8' }],
    });
    expect(bootstrapOf([withSecret(), op])[0]?.namespace).toBe('media');
    expect(bootstrapOf([nfsRepository(), op])[0]?.namespace).toBe('kopiur-system');
  });

  it('takes the repository moverDefaults and nothing of the policies: 65532 beside movers pinned to 1000 is VP003', () => {
    const pinned = { podSecurityContext: { runAsUser: 1000, runAsGroup: 1000 } };
    const objects = [namespace('media'), withSecret(), policy('a', pinned), policy('b', pinned)];
    const [b] = bootstrapOf(objects);
    expect(b?.containers[0]?.identity).toMatchObject({ uid: 65532, gid: 65532 });
    expect(b?.findings.map((f) => f.code)).toContain('VP003');
    expect(b?.findings.find((f) => f.code === 'VP003')?.fix).toContain('moverDefaults');
    const fixed = [
      namespace('media'),
      withSecret(pinned),
      policy('a', pinned),
      policy('b', pinned),
    ];
    expect(bootstrapOf(fixed)[0]?.containers[0]?.identity.uid).toBe(1000);
    expect(bootstrapOf(fixed)[0]?.findings.map((f) => f.code)).not.toContain('VP003');
  });

  it('is never gated: root from moverDefaults runs in a Namespace without the annotation', () => {
    const root = { securityContext: { runAsUser: 0, runAsGroup: 0 } };
    const [b] = bootstrapOf([namespace('media'), withSecret(root)]);
    expect(b?.containers[0]?.identity.uid).toBe(0);
    expect(b?.findings.map((f) => f.code)).not.toContain('VP027');
  });
});

describe("the gate on the controller's install scope (kopiur.md §4.1: a 403 allows)", () => {
  const controller = (args: string[]) =>
    deployment('kopiur', 'kopiur-system', {
      containers: [{ name: 'c', image: 'ghcr.io/home-operations/kopiur-controller:0.10.8', args }],
    });
  const root = { securityContext: { runAsUser: 0, runAsGroup: 0 } };
  const gateStep = (objects: KubeObject[]) =>
    subject(objects, 'matter').containers[0]?.trace.find((t) => t.field === 'MoverPermitted');

  it.each([
    [
      'no controller in the input: refused, assuming a cluster-scoped install',
      [],
      true,
      'on a cluster-scoped install',
    ],
    ['--cluster-scope: refused, nothing assumed', ['--cluster-scope'], true, 'lacks'],
    [
      '--namespace=media: the Namespace read is a 403 and kopiur allows',
      ['--namespace=media'],
      false,
      '403',
    ],
  ])('%s', (_what, args, refused, says) => {
    const objects = [
      namespace('media'),
      nfsRepository(),
      policy('matter', root),
      ...(args.length > 0 ? [controller(args)] : []),
    ];
    expect(codes(objects, 'matter').includes('VP027')).toBe(refused);
    expect(String(gateStep(objects)?.effect)).toContain(says);
    if (args[0] === '--cluster-scope')
      expect(String(gateStep(objects)?.effect)).not.toContain('cluster-scoped install');
  });

  it('a namespaced install reconciles nothing outside its namespace, and says so', () => {
    const objects = [
      namespace('media'),
      nfsRepository(),
      policy('app'),
      controller(['--namespace=kopiur-system']),
    ];
    const notes = subject(objects, 'app').containers[0]?.trace.filter(
      (t) => t.field === 'install scope',
    );
    expect(notes?.[0]?.effect).toContain(
      'reconciles nothing in media, so this Job is never created',
    );
  });
});

describe('a kopiur pod is explained as the subject its labels name (kopiur.md §11)', () => {
  const pod = (name: string, labels: Record<string, string>, uid: number): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'media',
      labels: { 'app.kubernetes.io/managed-by': 'kopiur', ...labels },
    },
    spec: {
      securityContext: { fsGroup: 65532 },
      containers: [
        {
          name: 'mover',
          image: 'ghcr.io/home-operations/kopiur-mover:0.10.8',
          securityContext: { runAsUser: uid, runAsGroup: uid },
        },
      ],
    },
  });
  const report = (objects: KubeObject[], name: string) =>
    resolveSubjectReport(
      { ...snapshotOf(objects), kopiurVersion: kopiurVersionOfFlag('0.10.8') },
      { kind: 'Pod', namespace: 'media', name },
    );
  const pinned = { podSecurityContext: { runAsUser: 1000, runAsGroup: 1000 } };

  it.each([
    [
      "a backup pod, named after its Snapshot, by its policy's config label",
      {
        'batch.kubernetes.io/job-name': 'sonarr-manual',
        'kopiur.home-operations.com/config': 'sonarr',
      },
      'SnapshotPolicy',
    ],
    ['a bootstrap pod by its Job name', { 'batch.kubernetes.io/job-name': 'nas-bootstrap' }, 'Job'],
  ])('%s', (_what, labels, kind) => {
    const repo = {
      ...nfsRepository(),
      spec: {
        ...(nfsRepository().spec as Record<string, unknown>),
        encryption: { passwordSecretRef: { name: 'k', namespace: 'media' } },
      },
    };
    const objects = [
      namespace('media'),
      repo,
      policy('sonarr', pinned),
      pod('p-1', labels, kind === 'Job' ? 65532 : 1000),
    ];
    const s = report(objects, 'p-1')?.subjects[0];
    expect(s?.kind).toBe(kind);
    expect(s?.containers[0]?.trace[0]?.effect).toContain('then compared with this pod');
    expect(s?.findings.map((f) => f.code)).not.toContain('VP016');
  });

  it('a pod that differs from what kopiur builds is VP016 on its policy', () => {
    const objects = [
      namespace('media'),
      nfsRepository(),
      policy('sonarr', pinned),
      pod(
        'p-2',
        {
          'batch.kubernetes.io/job-name': 'sonarr-x',
          'kopiur.home-operations.com/config': 'sonarr',
        },
        568,
      ),
    ];
    const s = report(objects, 'p-2')?.subjects[0];
    expect(s?.kind).toBe('SnapshotPolicy');
    const vp016 = s?.findings.find((f) => f.code === 'VP016');
    expect(vp016?.message).toContain('Pod/media/p-2 runs with uid 1000 → 568, gid 1000 → 568');
    expect(vp016?.message).toContain('after kopiur built it');
    expect(vp016?.fix).toContain('spec.mover');
  });

  it('a pod kopiur does not manage is resolved from its own spec', () => {
    const objects = [
      namespace('media'),
      nfsRepository(),
      policy('sonarr', pinned),
      { ...pod('p-3', {}, 568), metadata: { name: 'p-3', namespace: 'media' } },
    ];
    expect(report(objects, 'p-3')?.subjects[0]?.kind).toBe('Pod');
  });
});
