import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvedBothWays } from '../test-support/shapes-both-ways.js';
import type { KubeObject } from '../k8s/object.js';
import { namespace, replication, snapshotOf, volsyncController } from '../test-support/builders.js';

const specKeys = {
  kopia: 'kopia',
  restic: 'restic',
  rclone: 'rclone',
  rsyncTLS: 'rsyncTLS',
  rsync: 'rsync',
  syncthing: 'syncthing',
} as const;

const mover = (m: keyof typeof specKeys, sc?: Record<string, unknown>) => ({
  repository: 'repo-secret',
  ...(m === 'rclone' && { rcloneConfig: 'rclone-secret', rcloneDestPath: 'bucket/app' }),
  ...(sc && { moverSecurityContext: sc }),
});

describe('predictions by mover shape', () => {
  it('fills in one prediction for a mover stamped into many namespaces, naming each namespace', () => {
    const objects: KubeObject[] = [];
    for (const ns of ['tenant-a', 'tenant-b', 'tenant-c'])
      objects.push(
        namespace(ns, { 'volsync.backube/privileged-movers': 'true' }),
        replication('ReplicationSource', 'app', 'restic', mover('restic'), ns),
      );
    const { withMemo, direct, shapes } = resolvedBothWays(snapshotOf(objects));
    expect(shapes).toBe(1);
    expect(withMemo).toStrictEqual(direct);
    const steps = withMemo.map(
      (s) => s.containers[0]?.report.trace.find((t) => t.field.startsWith('Namespace/'))?.field,
    );
    expect(steps).toEqual(
      ['tenant-a', 'tenant-b', 'tenant-c'].map(
        (ns) => `Namespace/${ns} annotation volsync.backube/privileged-movers`,
      ),
    );
  });

  it('keeps apart namespaces that differ in what the prediction reads of them', () => {
    const kinds = {
      plain: [{}, {}],
      privileged: [{ 'volsync.backube/privileged-movers': 'TRUE' }, {}],
      enforced: [{}, { 'pod-security.kubernetes.io/enforce': 'restricted' }],
      openshift: [
        {
          'openshift.io/sa.scc.uid-range': '1000680000/10000',
          'openshift.io/sa.scc.supplemental-groups': '1000680000/10000',
        },
        {},
      ],
      // labels no layer reads do not make a shape of their own: these are plain's
      labelled: [{}, { team: 'media', 'kubernetes.io/metadata.name': 'labelled' }],
    } as const;
    const objects: KubeObject[] = [];
    for (const [kind, [annotations, labels]] of Object.entries(kinds))
      for (const ns of [`${kind}-1`, `${kind}-2`])
        objects.push(
          namespace(ns, { ...annotations }, { ...labels }),
          replication('ReplicationSource', 'app', 'kopia', mover('kopia'), ns),
        );
    for (const ns of ['absent-1', 'absent-2'])
      objects.push(replication('ReplicationSource', 'app', 'kopia', mover('kopia'), ns));
    const { withMemo, direct, shapes } = resolvedBothWays(snapshotOf(objects));
    expect(shapes).toBe(5);
    expect(withMemo).toStrictEqual(direct);
  });

  it('predicts each mover on its own when its input holds the placeholder', () => {
    const odd = 'x\u{E000}namespace\u{E000}';
    const objects: KubeObject[] = [];
    for (const ns of ['a', 'b', 'c'])
      objects.push(
        namespace(ns, { 'volsync.backube/privileged-movers': odd }),
        replication('ReplicationSource', 'app', 'restic', mover('restic'), ns),
      );
    const { withMemo, direct, shapes } = resolvedBothWays(snapshotOf(objects));
    expect(shapes).toBe(0);
    expect(withMemo).toStrictEqual(direct);
    expect(JSON.stringify(withMemo)).toContain(JSON.stringify(odd).slice(1, -1));
  });

  it('predicts each mover on its own where annotate --scoped policies select pods', () => {
    const objects: KubeObject[] = [
      namespace('a', { 'volsync.backube/privileged-movers': 'true' }),
      replication('ReplicationSource', 'app', 'restic', mover('restic'), 'a'),
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'volsync-perms-scope-a' },
        spec: {},
      },
    ];
    const { withMemo, direct, shapes } = resolvedBothWays(snapshotOf(objects));
    expect(shapes).toBe(0);
    expect(withMemo).toStrictEqual(direct);
  });

  it('equals the direct prediction for any fleet of templated movers (property)', () => {
    const nsName = fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/);
    const annotation = fc.option(fc.constantFrom('true', 'TRUE', ' true', 'false', ''), {
      nil: undefined,
    });
    const enforce = fc.option(fc.constantFrom('privileged', 'baseline', 'restricted', 'bogus'), {
      nil: undefined,
    });
    const scc = fc.option(fc.constantFrom('1000680000/10000', '5000-5999', 'nonsense'), {
      nil: undefined,
    });
    const nsFacts = fc.record({
      name: nsName,
      present: fc.boolean(),
      annotation,
      enforce,
      scc,
    });
    const sc = fc.option(
      fc.record(
        {
          runAsUser: fc.constantFrom(0, 1000, 568),
          runAsGroup: fc.constantFrom(0, 1000),
          fsGroup: fc.constantFrom(1000, 65534),
          runAsNonRoot: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    );
    const template = fc.record({
      name: fc.constantFrom('app', 'db', 'media-backup'),
      kind: fc.constantFrom<('ReplicationSource' | 'ReplicationDestination')[]>(
        'ReplicationSource',
        'ReplicationDestination',
      ),
      mover: fc.constantFrom(...(Object.keys(specKeys) as (keyof typeof specKeys)[])),
      sc,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(nsFacts, { minLength: 1, maxLength: 6, selector: (n) => n.name }),
        fc.array(template, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (namespaces, templates, controller) => {
          const objects: KubeObject[] = controller ? [volsyncController()] : [];
          for (const n of namespaces) {
            if (n.present)
              objects.push(
                namespace(
                  n.name,
                  {
                    ...(n.annotation !== undefined && {
                      'volsync.backube/privileged-movers': n.annotation,
                    }),
                    ...(n.scc !== undefined && { 'openshift.io/sa.scc.uid-range': n.scc }),
                  },
                  n.enforce !== undefined
                    ? { 'pod-security.kubernetes.io/enforce': n.enforce }
                    : {},
                ),
              );
            templates.forEach((t, i) =>
              objects.push(
                replication(
                  t.kind,
                  `${t.name}-${i}`,
                  specKeys[t.mover],
                  mover(t.mover, t.sc),
                  n.name,
                ),
              ),
            );
          }
          const { withMemo, direct, shapes } = resolvedBothWays(snapshotOf(objects));
          expect(withMemo).toStrictEqual(direct);
          expect(shapes).toBeLessThanOrEqual(direct.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
