import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isObject, path } from '../../k8s/json.js';
import type { KubeObject } from '../../k8s/object.js';
import { resolveSubjectReport } from '../../report/resolve-report.js';
import { namespace, replication, rs, snapshotOf, withSc } from '../../test-support/builders.js';
import { kopiurPrivilegedKey } from '../gate.js';
import { migrateSnapshot } from './migrate-snapshot.js';
import { previewMigration } from './migration-preview.js';
import { translateDestination } from './translate-destination.js';
import { translateSource } from './translate-source.js';

const nfs = { volumeSource: { nfs: { server: 'nas', path: '/kopia' } }, mountPath: 'repository' };
const kopiaRs = (name: string, sc?: Record<string, unknown>, ns = 'apps') =>
  rs(name, 'kopia', { repository: `${name}-secret`, moverVolumes: [nfs], ...withSc(sc) }, ns);
const privileged = namespace('apps', { 'volsync.backube/privileged-movers': 'true' });
const plain = namespace('apps');

const itemOf = (objects: KubeObject[], name: string, ns = 'apps') =>
  previewMigration(snapshotOf(objects), { all: false, namespace: ns }).items.find(
    (i) => i.volsync?.name === name,
  );

describe('translateSource: what kubectl kopiur migrate volsync writes for a ReplicationSource', () => {
  it.each([
    ['kopia', { runAsUser: 568, runAsGroup: 568, fsGroup: 568 }],
    ['restic', { runAsUser: 1000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }],
    ['kopia', undefined],
  ] as const)(
    'a %s source: a SnapshotPolicy of the same name whose pod context is the moverSecurityContext verbatim (%j)',
    (mover, sc) => {
      const t = translateSource(rs('app', mover, { repository: 's', ...withSc(sc) }, 'apps'));
      if (t.outcome !== 'translated') throw new Error('refused');
      const [policy, repo] = t.objects as [KubeObject, KubeObject];
      expect(policy.kind).toBe('SnapshotPolicy');
      expect(policy.metadata).toEqual({ name: 'app', namespace: 'apps' });
      expect(path(policy.spec, 'mover', 'podSecurityContext')).toEqual(sc);
      expect(path(policy.spec, 'mover', 'securityContext')).toBeUndefined();
      expect(path(policy.spec, 'mover', 'privilegedMode')).toBeUndefined();
      expect(path(policy.spec, 'repository')).toEqual({ kind: 'Repository', name: 's-kopiur' });
      expect(repo.kind).toBe('Repository');
      expect(path(repo.spec, 'moverDefaults')).toBeUndefined();
      expect(path(repo.spec, 'maintenance')).toBeUndefined();
    },
  );

  it.each(['rclone', 'rsync', 'rsyncTLS', 'syncthing'])('a %s source is refused', (key) => {
    const t = translateSource(rs('app', key, {}, 'apps'));
    expect(t).toMatchObject({ outcome: 'refused' });
    if (t.outcome === 'refused') expect(t.reason).toContain('only restic and kopia');
  });

  it('a fork kopia repository is adopted in place: the NFS volume it mounts is the backend', () => {
    const t = translateSource(kopiaRs('app'));
    const repo = t.outcome === 'translated' ? t.objects[1] : undefined;
    expect(path(repo?.spec, 'backend', 'filesystem', 'volume')).toEqual({
      nfs: { server: 'nas', path: '/kopia' },
    });
    expect(path(repo?.spec, 'create')).toBeUndefined();
  });

  it('a restic repository becomes a new kopia repository (create.enabled)', () => {
    const t = translateSource(rs('app', 'restic', { repository: 's' }, 'apps'));
    const repo = t.outcome === 'translated' ? t.objects[1] : undefined;
    expect(path(repo?.spec, 'create', 'enabled')).toBe(true);
    expect(path(repo?.spec, 'backend')).toBeUndefined();
  });
});

describe('translateDestination: a ReplicationDestination with --include-destinations', () => {
  it.each(['kopia', 'restic'])(
    'a %s destination loses its moverSecurityContext without a line of migrate’s accounting',
    (mover) => {
      const rd = replication('ReplicationDestination', 'app-dst', mover, {
        repository: 's',
        destinationPVC: 'app',
        cacheCapacity: '2Gi',
        ...withSc({ runAsUser: 568, runAsGroup: 568, fsGroup: 568 }),
      });
      const t = translateDestination(rd);
      if (t.outcome !== 'translated') throw new Error('refused');
      const restore = t.objects[0] as KubeObject;
      expect(restore.kind).toBe('Restore');
      expect(path(restore.spec, 'mover', 'podSecurityContext')).toBeUndefined();
      expect(path(restore.spec, 'mover', 'cache')).toEqual(
        mover === 'kopia' ? { capacity: '2Gi' } : undefined,
      );
      expect(path(restore.spec, 'target', 'pvcRef', 'name')).toBe('app');
      expect(t.notes).toContainEqual(
        expect.objectContaining({
          status: 'dropped',
          field: `spec.${mover}.moverSecurityContext`,
        }),
      );
    },
  );
});

describe('previewMigration: today beside the migrated kopiur mover, resolved by one engine', () => {
  it.each([
    [
      'a privileged kopia mover becomes its moverSecurityContext UID without capabilities',
      [privileged, kopiaRs('app', { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 })],
      { before: 0, after: 1000, change: 'privileged-dropped' },
    ],
    [
      'a privileged mover without a moverSecurityContext becomes 65532',
      [privileged, kopiaRs('app')],
      { before: 0, after: 65532, change: 'privileged-dropped' },
    ],
    [
      'an unprivileged mover keeps its UID: no change',
      [plain, kopiaRs('app', { runAsUser: 568, runAsGroup: 568, fsGroup: 568 })],
      { before: 568, after: 568, change: undefined },
    ],
    [
      'a restic mover with no context moves from the image UID to 65532 with fsGroup 65532',
      [plain, rs('app', 'restic', { repository: 's' }, 'apps')],
      { before: 0, after: 65532, change: 'identity-changed' },
    ],
  ] as const)('%s', (_t, objects, want) => {
    const i = itemOf([...objects], 'app');
    expect(i?.outcome).toBe('translated');
    expect(i?.today?.containers[0]?.identity.uid).toBe(want.before);
    expect(i?.after?.containers[0]?.identity.uid).toBe(want.after);
    expect(i?.changes[0]?.code).toBe(want.change);
  });

  it('a destination that ran as 568 restores as 65532 with fsGroup 65532 (context-dropped, VP030)', () => {
    const rd = replication(
      'ReplicationDestination',
      'app-dst',
      'kopia',
      {
        repository: 's',
        destinationPVC: 'app',
        ...withSc({ runAsUser: 568, runAsGroup: 568, fsGroup: 568 }),
      },
      'apps',
    );
    const i = itemOf([plain, rd], 'app-dst');
    expect(i?.after?.containers[0]?.identity).toMatchObject({ uid: 65532, fsGroup: 65532 });
    expect(i?.changes.map((c) => c.code)).toEqual(['context-dropped', 'fsgroup-changed']);
    expect(i?.findings.map((f) => f.code)).toContain('VP030');
  });

  it('a moverSecurityContext runAsUser 0 becomes a root kopiur mover the gate refuses (VP027)', () => {
    const i = itemOf([plain, kopiaRs('app', { runAsUser: 0 })], 'app');
    expect(i?.after?.containers[0]?.identity.uid).toBe(0);
    expect(i?.findings.map((f) => f.code)).toContain('VP027');
  });

  it('with the kopiur annotation already on the namespace, the same root mover is let through', () => {
    const ns = namespace('apps', { [kopiurPrivilegedKey]: 'true' });
    const i = itemOf([ns, kopiaRs('app', { runAsUser: 0 })], 'app');
    expect(i?.findings.map((f) => f.code)).not.toContain('VP027');
  });

  it('the Repository migrate adds is maintained by kopiur as 65532, beside 1000 writers (VP011)', () => {
    const p = previewMigration(
      snapshotOf([plain, kopiaRs('app', { runAsUser: 1000, runAsGroup: 1000 })]),
      { all: true },
    );
    const added = p.items.find((i) => i.outcome === 'added');
    expect(added?.kopiur).toEqual({
      kind: 'Repository',
      namespace: 'apps',
      name: 'app-secret-kopiur',
    });
    expect(added?.after?.containers[0]?.identity.uid).toBe(65532);
    expect(added?.findings.map((f) => f.code)).toContain('VP011');
  });

  it('a KopiaMaintenance of the same Secret is retired and its replacement runs as 65532', () => {
    const km: KubeObject = {
      apiVersion: 'volsync.backube/v1alpha1',
      kind: 'KopiaMaintenance',
      metadata: { name: 'daily', namespace: 'apps' },
      spec: {
        repository: { repository: 'app-secret' },
        podSecurityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
        moverVolumes: [nfs],
      },
    };
    const i = itemOf([plain, kopiaRs('app', { runAsUser: 1000, runAsGroup: 1000 }), km], 'daily');
    expect(i?.outcome).toBe('retired');
    expect(i?.kopiur?.name).toBe('app-secret-kopiur');
    expect(i?.changes.map((c) => c.code)).toEqual(['maintenance-identity']);
  });

  it('an rsync mover of the scope is listed as the reason the whole run stops', () => {
    const p = previewMigration(
      snapshotOf([plain, kopiaRs('app'), rs('sync', 'rsync', {}, 'apps')]),
      {
        all: false,
        namespace: 'apps',
      },
    );
    expect(p.aborts).toHaveLength(1);
    expect(p.items.find((i) => i.volsync?.name === 'sync')?.outcome).toBe('refused');
    expect(p.items.find((i) => i.volsync?.name === 'app')?.outcome).toBe('translated');
  });
});

const arbContext = fc.record(
  {
    runAsUser: fc.integer({ min: 0, max: 70000 }),
    runAsGroup: fc.integer({ min: 0, max: 70000 }),
    fsGroup: fc.integer({ min: 0, max: 70000 }),
    runAsNonRoot: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('properties', () => {
  it('the migrated mover is what the engine makes of the written SnapshotPolicy itself', () => {
    fc.assert(
      fc.property(arbContext, fc.boolean(), (sc, annotated) => {
        const objects = [annotated ? privileged : plain, kopiaRs('app', sc)];
        const m = migrateSnapshot(snapshotOf(objects), { all: true });
        const direct = resolveSubjectReport(m.snapshot, {
          kind: 'SnapshotPolicy',
          namespace: 'apps',
          name: 'app',
        })?.subjects[0]?.containers[0]?.identity;
        expect(itemOf(objects, 'app')?.after?.containers[0]?.identity).toEqual(direct);
      }),
    );
  });

  it('the pod context written is the moverSecurityContext, and the VolSync annotation never changes the migrated identity', () => {
    fc.assert(
      fc.property(arbContext, (sc) => {
        const t = translateSource(kopiaRs('app', sc));
        const written = t.outcome === 'translated' ? path(t.objects[0]?.spec, 'mover') : undefined;
        expect(isObject(written) ? written['podSecurityContext'] : {}).toEqual(
          Object.keys(sc).length ? sc : {},
        );
        expect(itemOf([privileged, kopiaRs('app', sc)], 'app')?.after).toEqual(
          itemOf([plain, kopiaRs('app', sc)], 'app')?.after,
        );
      }),
    );
  });

  it('objects outside the scope are left as they are', () => {
    fc.assert(
      fc.property(arbContext, (sc) => {
        const other = kopiaRs('other', sc, 'elsewhere');
        const m = migrateSnapshot(snapshotOf([plain, kopiaRs('app', sc), other]), {
          all: false,
          namespace: 'apps',
        });
        expect(m.snapshot.objects).toContain(other);
        expect(m.migrations.every((x) => x.from.namespace === 'apps')).toBe(true);
      }),
    );
  });
});
