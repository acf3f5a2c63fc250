import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PodSecurityContext } from '../k8s/types.js';
import { moverRules, moverTypes, type MoverType } from '../volsync/movers.js';
import { layers } from '../identity/trace.js';
import { namespace, replication, snapshotOf, withSc } from '../test-support/builders.js';
import { resolveReport } from './resolve-report.js';

const shapes: [string, PodSecurityContext | undefined][] = [
  ['no moverSecurityContext', undefined],
  ['runAsUser only', { runAsUser: 1000 }],
  ['runAsUser+runAsGroup+fsGroup', { runAsUser: 1000, runAsGroup: 2000, fsGroup: 3000 }],
  ['runAsNonRoot', { runAsNonRoot: true }],
];

function one(mover: MoverType, privileged: boolean, sc: PodSecurityContext | undefined) {
  const kind = moverRules[mover].sourceOnly ? 'ReplicationSource' : 'ReplicationDestination';
  const objs = [
    namespace('ns', privileged ? { 'volsync.backube/privileged-movers': 'true' } : {}),
    replication(kind, 'app', moverRules[mover].specKey, withSc(sc), 'ns'),
  ];
  const s = resolveReport(snapshotOf(objs), { all: false, namespace: 'ns' }).subjects[0];
  if (!s) throw new Error('no subject');
  return s;
}

const cases = moverTypes.flatMap((m) =>
  [false, true].flatMap((p) => shapes.map(([label, sc]) => [m, p, label, sc] as const)),
);

describe('every mover × privileged × moverSecurityContext shape resolves as VolSync builds it', () => {
  it.each(cases)('%s privileged=%s with %s', (mover, privileged, _label, sc) => {
    const s = one(mover, privileged, sc);
    const rule = moverRules[mover];
    const root = privileged || rule.alwaysPrivileged;
    const psc = rule.hasMoverSecurityContext ? sc : undefined;
    const id = s.containers[0]?.identity;
    // Expected, from volsync-semantics §8: container runAsUser 0 when privileged, else the pod's, else the image (no USER: 0).
    expect(id?.uid).toBe(root ? 0 : (psc?.runAsUser ?? 0));
    expect(id?.gid).toBe(psc?.runAsGroup ?? null);
    expect(id?.fsGroup).toBe(psc?.fsGroup ?? null);
    expect(id?.capabilities).toEqual(root ? [...rule.privilegedCaps].sort() : []);
    expect(id?.runsAsRoot).toBe(id?.uid === 0);
    expect(s.privileged).toBe(root);
    expect(s.containers[0]?.name).toBe(rule.container);
    // runAsNonRoot at UID 0 never starts, except syncthing's privileged override sets container runAsNonRoot=false.
    const refused = psc?.runAsNonRoot === true && !(root && mover === 'syncthing');
    expect(s.findings.some((f) => f.code === 'VP005')).toBe(refused);
  });

  it('an unprivileged rsync-tls at UID 0 is flagged as unsupported, a non-zero UID is not', () => {
    expect(one('rsync-tls', false, undefined).findings.map((f) => f.code)).toContain('VP004');
    expect(one('rsync-tls', false, { runAsUser: 1000 }).findings.map((f) => f.code)).not.toContain(
      'VP004',
    );
    expect(one('rsync-tls', true, undefined).findings.map((f) => f.code)).not.toContain('VP004');
  });

  it('the legacy rsync mover is always root and says so', () => {
    const s = one('rsync', false, undefined);
    expect(s.findings.map((f) => f.code)).toContain('VP006');
    expect(s.containers[0]?.identity.capabilities).toEqual([
      'AUDIT_WRITE',
      'CHOWN',
      'DAC_OVERRIDE',
      'FOWNER',
      'SETGID',
      'SETUID',
      'SYS_CHROOT',
    ]);
  });

  it('an unknown Namespace leaves the UID of a dual-mode mover unknown, with what it depends on', () => {
    const s = resolveReport(
      snapshotOf([
        replication(
          'ReplicationSource',
          'app',
          'kopia',
          withSc({ runAsUser: 1000, runAsGroup: 1000 }),
          'ns',
        ),
      ]),
      { all: true },
    );
    const sub = s.subjects[0];
    expect(sub?.privileged).toBeNull();
    expect(sub?.containers[0]?.identity.uid).toBeNull();
    expect(sub?.containers[0]?.identity.gid).toBe(1000);
    expect(s.unknowns.some((u) => u.dependsOn.includes('volsync.backube/privileged-movers'))).toBe(
      true,
    );
  });
});

const dualMode = moverTypes.filter((m) => !moverRules[m].alwaysPrivileged);
const scArb = fc.record(
  {
    runAsUser: fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }),
    runAsGroup: fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }),
    fsGroup: fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }),
    runAsNonRoot: fc.option(fc.boolean(), { nil: undefined }),
  },
  { requiredKeys: [] },
);
const clean = (sc: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(sc).filter(([, v]) => v !== undefined)) as PodSecurityContext;

describe('properties of the identity engine', () => {
  it('a privileged dual-mode mover is always UID 0, whatever moverSecurityContext says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dualMode),
        scArb,
        (m, sc) => one(m, true, clean(sc)).containers[0]?.identity.uid === 0,
      ),
    );
  });

  it('an unprivileged mover runs as the pod runAsUser when set', () => {
    fc.assert(
      fc.property(fc.constantFrom(...dualMode), scArb, (m, sc) => {
        const c = clean(sc);
        return one(m, false, c).containers[0]?.identity.uid === (c.runAsUser ?? 0);
      }),
    );
  });

  it('resolution is deterministic', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...moverTypes),
        fc.boolean(),
        scArb,
        (m, p, sc) => JSON.stringify(one(m, p, clean(sc))) === JSON.stringify(one(m, p, clean(sc))),
      ),
    );
  });

  it('the trace covers every layer up to the runtime but kopiur, and every step is in layer order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...moverTypes), fc.boolean(), scArb, (m, p, sc) => {
        const trace = one(m, p, clean(sc)).containers[0]?.trace ?? [];
        const seq = trace.map((t) => layers.indexOf(t.layer));
        return (
          seq.every((v, i) => i === 0 || v >= (seq[i - 1] ?? 0)) &&
          layers
            .slice(0, layers.indexOf('runtime') + 1)
            .every((l) => l === 'kopiur' || trace.some((t) => t.layer === l)) &&
          !trace.some((t) => t.layer === 'kopiur')
        );
      }),
    );
  });
});
