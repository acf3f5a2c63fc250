import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { resolveReport } from '../report/resolve-report.js';
import { scopePolicyObjects } from '../admission/scope-policy.js';
import {
  deployment,
  image,
  namespace,
  replication,
  rs,
  snapshotOf,
  withSc,
} from '../test-support/builders.js';
import { auditClass, auditSummary } from '../test-support/audit-builders.js';
import { parseNfsSquashFlag } from '../storage/nfs-exports.js';
import type { RecordedAudit } from '../storage/storage-facts.js';
import { newestVersion } from '../volsync/versions/index.js';

const nfs = {
  moverVolumes: [{ mountPath: 'repo', volumeSource: { nfs: { server: 'nas', path: '/kopia' } } }],
};
const km = (sc: Record<string, unknown> | undefined, ns = 'default'): KubeObject => ({
  apiVersion: 'volsync.backube/v1alpha1',
  kind: 'KopiaMaintenance',
  metadata: { name: 'daily', namespace: ns },
  spec: { repository: { repository: 's' }, ...(sc ? { podSecurityContext: sc } : {}), ...nfs },
});
// the scenarios are about one VolSync version, said, as a cluster's controller says it (VP026,
// the version assumed, has its own tests)
const said = { version: newestVersion, source: 'the test', assumed: false };
const codes = (objs: KubeObject[], images = [] as ReturnType<typeof image>[]) =>
  [
    ...new Set(
      resolveReport(
        { ...snapshotOf(objs, images), volsyncVersion: said },
        { all: true },
      ).subjects.flatMap((s) => s.findings.map((f) => f.code)),
    ),
  ].sort();
const u1000 = { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 };

describe('findings name the problem each scenario causes', () => {
  it.each<[string, KubeObject[], string[]]>([
    [
      'annotation over runAsUser (the incident)',
      [
        namespace('default', { 'volsync.backube/privileged-movers': 'true' }),
        rs('a', 'kopia', { ...withSc(u1000), ...nfs }),
        rs('b', 'kopia', { ...withSc(u1000), ...nfs }),
      ],
      ['VP001', 'VP002', 'VP008'],
    ],
    [
      'a privileged mover added after annotate --scoped recorded the scope',
      [
        namespace('default', {
          'volsync.backube/privileged-movers': 'true',
          'volsync-perms.io/scoped-to': 'ReplicationSource/a',
        }),
        rs('a', 'restic', { repository: 'r' }),
        rs('b', 'restic', { repository: 'q' }),
      ],
      ['VP002', 'VP018'],
    ],
    [
      'Pod Security relaxed by a fix-job run',
      [
        namespace('default', {
          'volsync-perms.io/pod-security-relaxed': JSON.stringify({
            previous: { 'pod-security.kubernetes.io/enforce': 'restricted' },
            job: 'volsync-perms-fix-data-abc123',
            holder: { host: 'h', pid: 1 },
            renewTime: '2026-11-23T00:00:00Z',
            leaseSeconds: 30,
          }),
        }),
        rs('a', 'restic', { ...withSc(u1000), repository: 'r' }),
      ],
      ['VP019'],
    ],
    [
      'shared repository, different UIDs',
      [
        namespace('default'),
        rs('a', 'kopia', { ...withSc(u1000), ...nfs }),
        rs('b', 'kopia', { ...withSc({ runAsUser: 2000, runAsGroup: 2000 }), ...nfs }),
      ],
      ['VP003', 'VP008'],
    ],
    [
      'same UIDs on a shared repository are fine',
      [
        namespace('default'),
        rs('a', 'restic', { ...withSc(u1000), repository: 'r' }),
        rs('b', 'restic', { ...withSc(u1000), repository: 'r' }),
      ],
      [],
    ],
    [
      'value " true" is read as false',
      [
        namespace('default', { 'volsync.backube/privileged-movers': ' true' }),
        rs('a', 'restic', withSc(u1000)),
      ],
      ['VP007'],
    ],
    [
      'key set as a label',
      [
        namespace('default', {}, { 'volsync.backube/privileged-movers': 'true' }),
        rs('a', 'restic', withSc(u1000)),
      ],
      ['VP007'],
    ],
    [
      'misspelled key',
      [
        namespace('default', { 'volsync.backube/privileged-mover': 'true' }),
        rs('a', 'restic', withSc(u1000)),
      ],
      ['VP007'],
    ],
    [
      'privileged mover in a restricted namespace',
      [
        namespace(
          'default',
          { 'volsync.backube/privileged-movers': 'true' },
          { 'pod-security.kubernetes.io/enforce': 'restricted' },
        ),
        rs('a', 'rclone', withSc({ runAsGroup: 1 })),
      ],
      ['VP002', 'VP009'],
    ],
    [
      'runAsNonRoot under a privileged mover',
      [
        namespace('default', { 'volsync.backube/privileged-movers': 'true' }),
        rs('a', 'restic', withSc({ runAsNonRoot: true })),
      ],
      ['VP002', 'VP005'],
    ],
    [
      'rsync-tls at UID 0 unprivileged',
      [namespace('default'), replication('ReplicationDestination', 'a', 'rsyncTLS', {})],
      ['VP004'],
    ],
    ['legacy rsync', [namespace('default'), rs('a', 'rsync', {})], ['VP006']],
    [
      'maintenance differs from its movers',
      [
        namespace('default'),
        rs('a', 'kopia', { ...withSc({ runAsUser: 2000, runAsGroup: 2000 }), ...nfs }),
        km(undefined),
      ],
      ['VP008', 'VP011'],
    ],
    [
      'maintenance at another UID than 1000',
      [namespace('default'), km({ runAsUser: 2000, runAsGroup: 2000 })],
      ['VP014'],
    ],
    [
      'mover differs from the app on the same PVC',
      [
        namespace('default'),
        rs('a', 'restic', withSc({ runAsUser: 1000, runAsGroup: 1000 })),
        deployment('app', 'default', {
          securityContext: { runAsUser: 5984, runAsGroup: 5984 },
          containers: [{ name: 'c', image: 'app:1' }],
          volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'a' } }],
        }),
      ],
      ['VP010'],
    ],
  ])('%s', (_l, objs, expected) => {
    expect(codes(objs)).toEqual(expected);
  });

  const sonarr = (env: { name: string; value: string }[]) =>
    deployment('sonarr', 'media', {
      containers: [{ name: 'sonarr', image: 'lscr.io/linuxserver/sonarr:4.0.10', env }],
      volumes: [{ name: 'config', persistentVolumeClaim: { claimName: 'sonarr' } }],
    });
  it.each([
    [
      'PUID=1000 PGID=1000: it writes as 1000:1000 like the mover',
      [
        { name: 'PUID', value: '1000' },
        { name: 'PGID', value: '1000' },
      ],
      [],
    ],
    ['no PUID: it writes as abc 911:911', [], ['VP010']],
  ])('a linuxserver sonarr that starts as root and a mover at 1000: %s', (_l, env, expected) => {
    const objs = [namespace('media'), rs('sonarr', 'restic', withSc(u1000), 'media'), sonarr(env)];
    expect(codes(objs, [image('lscr.io/linuxserver/sonarr', '')])).toEqual(expected);
  });

  const withExports = (objs: KubeObject[], flag: string, audits: RecordedAudit[] = []) => ({
    ...snapshotOf(objs),
    storage: { exports: [parseNfsSquashFlag(flag)], audits },
  });
  const storageCodes = (snap: ReturnType<typeof withExports>) =>
    [
      ...new Set(
        resolveReport(snap, { all: true }).subjects.flatMap((x) => x.findings.map((f) => f.code)),
      ),
    ]
      .filter((c) => ['VP022', 'VP023', 'VP024'].includes(c))
      .sort();
  const priv = namespace('default', { 'volsync.backube/privileged-movers': 'true' });

  it.each([
    ['root_squash', ['VP022']],
    ['all_squash', ['VP022']],
    ['no_root_squash', []],
  ])('a UID 0 kopia mover on an export with %s', (mode, expected) => {
    const objs = [priv, rs('a', 'kopia', { ...withSc(u1000), ...nfs })];
    expect(storageCodes(withExports(objs, `nas:/=${mode}`))).toEqual(expected);
  });

  it('an audit that found 0:1000 0600 files makes the UID 1000 sharers VP023, not the root writer', () => {
    const summary = auditSummary([
      auditClass({ uid: 1000, gid: 1000, count: 10 }),
      auditClass({ uid: 0, gid: 1000, count: 3 }),
    ]);
    const objs = [
      priv,
      namespace('storage'),
      rs('a', 'kopia', { ...withSc(u1000), ...nfs }),
      km(u1000, 'storage'),
    ];
    const audit = { key: 'NFS nas:/kopia', target: 'repository', summary, source: 'test' };
    const report = resolveReport(withExports(objs, 'nas:/=no_root_squash', [audit]), { all: true });
    const vp023 = report.subjects
      .filter((x) => x.findings.some((f) => f.code === 'VP023'))
      .map((x) => x.kind);
    expect(vp023).toEqual(['KopiaMaintenance']);
  });

  it.each([
    [
      'a postgres that starts as root (it switches to 999:999) and a mover at 1000',
      undefined,
      ['VP024'],
    ],
    ['the same postgres and a mover at its user 999', 999, []],
  ])('%s', (_l, moverUid, expected) => {
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'postgres', image: 'postgres:16' }],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'db' } }],
          },
        },
      },
    };
    const sc = { runAsUser: moverUid ?? 1000, runAsGroup: moverUid ?? 1000 };
    const objs = [
      namespace('default'),
      rs('db', 'restic', { ...withSc(sc), copyMethod: 'Direct' }),
      sts,
    ];
    const snap = { ...snapshotOf(objs, [image('docker.io/library/postgres', '')]) };
    expect(storageCodes({ ...snap, storage: { exports: [], audits: [] } })).toEqual(expected);
  });

  it('a mover outside the scope that the deny policy rejects: VP009 names the policy and how to add it to the scope', () => {
    const scoped = namespace('default', {
      'volsync.backube/privileged-movers': 'true',
      'volsync-perms.io/scoped-to': 'ReplicationSource/a',
    });
    const policy = scopePolicyObjects({
      kind: 'deny',
      api: 'v1',
      namespace: 'default',
      scopedTo: 'ReplicationSource/a',
      listed: { jobs: ['volsync-src-a'], syncthing: [] },
    });
    const objs = [
      scoped,
      rs('a', 'restic', withSc(u1000)),
      rs('b', 'restic', withSc(u1000)),
      ...policy,
    ];
    const b = resolveReport(snapshotOf(objs), { all: true }).subjects.find((x) => x.name === 'b');
    const vp009 = b?.findings.find((f) => f.code === 'VP009');
    expect(vp009?.message).toMatch(
      /ValidatingAdmissionPolicy\/volsync-perms-deny-default \(bound by .*\) rejects privileged pods of the movers outside the scope/,
    );
    expect(vp009?.fix).toMatch(/--scoped ReplicationSource\/a,rs\/b --deny-others --apply/);
  });

  it.each([
    ['an unprivileged mover whose Role still grants the SCC', 'default', true, ['VP017']],
    ['a privileged mover, whose Role needs the grant', 'priv', true, []],
    ['a Role without the SCC rule', 'default', false, []],
  ])('stale SCC grants: %s', (_l, ns, withRule, expected) => {
    const role: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'volsync-src-a', namespace: ns },
      spec: {
        rules: withRule
          ? [
              {
                apiGroups: ['security.openshift.io'],
                resources: ['securitycontextconstraints'],
                resourceNames: ['volsync-privileged-mover'],
                verbs: ['use'],
              },
            ]
          : [],
      },
    };
    const objs = [
      namespace(ns, ns === 'priv' ? { 'volsync.backube/privileged-movers': 'true' } : {}),
      rs('a', 'restic', withSc({ runAsUser: 0 }), ns),
      role,
    ];
    expect(codes(objs).filter((c) => c === 'VP017')).toEqual(expected);
  });

  it('the annotation finding lists every mover it changes, with before and after UIDs', () => {
    const r = resolveReport(
      snapshotOf([
        namespace('default', { 'volsync.backube/privileged-movers': 'true' }),
        rs('a', 'kopia', withSc(u1000)),
        rs('b', 'restic', withSc({ runAsUser: 5 })),
      ]),
      { all: true },
    );
    const f = r.subjects[0]?.findings.find((x) => x.code === 'VP001');
    expect(f?.objects).toEqual([
      'Namespace/default',
      'ReplicationSource/default/a',
      'ReplicationSource/default/b',
    ]);
    expect(f?.message).toContain('ReplicationSource/a (1000→0), ReplicationSource/b (5→0)');
  });

  it('an image USER uid:gid whose group is ignored is flagged for workloads', async () => {
    const { resolveSubjectReport } = await import('../report/resolve-report.js');
    const snap = snapshotOf(
      [
        namespace('default'),
        deployment('app', 'default', { containers: [{ name: 'c', image: 'reg.io/app:1' }] }),
      ],
      [image('reg.io/app', '1000:2000')],
    );
    const r = resolveSubjectReport(snap, { kind: 'Deployment', namespace: 'default', name: 'app' });
    expect(r?.subjects[0]?.findings.map((f) => f.code)).toEqual(['VP013']);
  });

  it.each([
    ['without a manual trigger: a latent trap, info', undefined, 'info'],
    ['with spec.trigger.manual: the Job runs as 1000 now, warning', 'now', 'warning'],
  ])('maintenance off UID 1000 %s', (_l, manual, severity) => {
    const obj = km({ runAsUser: 2000, runAsGroup: 2000 });
    if (manual) obj.spec = { ...(obj.spec as object), trigger: { manual } };
    const r = resolveReport(snapshotOf([namespace('default'), obj]), { all: true });
    const f = r.subjects[0]?.findings.find((x) => x.code === 'VP014');
    expect(f?.severity).toBe(severity);
  });

  it('each finding names the field that causes it, in the object that holds it', () => {
    const at = (o: KubeObject) => ({ ...o, origin: { file: 'f.yaml', line: 1 } });
    const r = resolveReport(
      snapshotOf([
        at(namespace('default', { 'volsync.backube/privileged-movers': 'true' })),
        at(rs('a', 'kopia', { ...withSc(u1000), ...nfs })),
        at(rs('b', 'rsyncTLS', withSc({ runAsNonRoot: true }))),
      ]),
      { all: true },
    );
    const fields = Object.fromEntries(
      r.subjects.flatMap((s) => s.findings.map((f) => [`${f.code} ${s.name}`, f.field])),
    );
    expect(fields).toMatchObject({
      'VP001 a': ['metadata', 'annotations', 'volsync.backube/privileged-movers'],
      'VP002 a': ['metadata', 'annotations', 'volsync.backube/privileged-movers'],
      'VP008 a': ['spec', 'kopia', 'moverSecurityContext', 'fsGroup'],
      'VP005 b': ['metadata', 'annotations', 'volsync.backube/privileged-movers'],
    });
  });
});
