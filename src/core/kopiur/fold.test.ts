import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';
import { foldLadder } from './fold.js';
import { hardenedRung, type Rung, type RungName } from './ladder.js';
import { kopiurVersions } from './versions/index.js';
import { kopiurV0_4_3 } from './versions/v0.4.3.js';
import { kopiurV0_9_0 } from './versions/v0.9.0.js';

const rung = (
  name: RungName,
  securityContext?: SecurityContext,
  podSecurityContext?: PodSecurityContext,
): Rung => ({
  name,
  from: name,
  ...(securityContext && { securityContext }),
  ...(podSecurityContext && { podSecurityContext }),
});

/** The UID the kubelet gives the folded pod: container first, then pod, else the image's 65532. */
const uidOf = (rungs: Rung[], v = kopiurV0_9_0) => {
  const f = foldLadder(rungs, v);
  return f.securityContext.runAsUser ?? f.podSecurityContext.runAsUser ?? 65532;
};
const gidOf = (rungs: Rung[], v = kopiurV0_9_0) => {
  const f = foldLadder(rungs, v);
  return f.securityContext.runAsGroup ?? f.podSecurityContext.runAsGroup;
};

describe('foldLadder: each field from the highest rung that sets it', () => {
  it('the hardened rung alone leaves the UID to the image (65532) with fsGroup 65532 and drop ALL', () => {
    const f = foldLadder([hardenedRung], kopiurV0_9_0);
    expect(f.securityContext.runAsUser).toBeUndefined();
    expect(f.podSecurityContext.fsGroup).toBe(65532);
    expect(f.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  it('an add-only capabilities override keeps the hardened drop [ALL]', () => {
    const f = foldLadder(
      [hardenedRung, rung('recipe', { capabilities: { add: ['DAC_READ_SEARCH'] } })],
      kopiurV0_9_0,
    );
    expect(f.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['DAC_READ_SEARCH'] });
  });

  it.each([['moverDefaults', 'inherited', 'recipe', 'run'] as const])(
    'every rung of the ladder %s is applied in order',
    (...names) => {
      const rungs = names.map((n, i) =>
        rung(n, undefined, { runAsUser: 1000 + i, fsGroup: 2000 + i }),
      );
      const f = foldLadder([hardenedRung, ...rungs], kopiurV0_9_0);
      expect(f.podSecurityContext).toMatchObject({ runAsUser: 1003, fsGroup: 2003 });
    },
  );
});

describe('the UID and GID across pod and container, before and after 0.9.0 (kopiur#304)', () => {
  const shadow = [
    hardenedRung,
    rung('moverDefaults', { runAsUser: 568 }),
    rung('recipe', undefined, { runAsUser: 1000, runAsGroup: 1000 }),
  ];
  it.each([
    ['0.4.3', kopiurV0_4_3, 568],
    ['0.9.0', kopiurV0_9_0, 1000],
  ])(
    'moverDefaults container runAsUser 568 under a recipe pod runAsUser 1000: kopiur %s runs UID %i',
    (_id, v, uid) => {
      expect(uidOf(shadow, v)).toBe(uid);
    },
  );

  it('from 0.9.0 the UID and the GID are hoisted independently, each from its own highest pinning rung', () => {
    const rungs = [
      hardenedRung,
      rung('moverDefaults', { runAsUser: 568, runAsGroup: 568 }),
      rung('recipe', undefined, { runAsUser: 1000 }),
    ];
    expect(uidOf(rungs)).toBe(1000);
    expect(gidOf(rungs)).toBe(568);
    const f = foldLadder(rungs, kopiurV0_9_0);
    expect(f.origins.find((o) => o.field === 'container.runAsUser')).toMatchObject({
      from: 'recipe',
      hoisted: { level: 'pod', over: { value: 568, from: 'moverDefaults' } },
    });
  });

  it('fsGroup and supplementalGroups are never hoisted onto the container', () => {
    const f = foldLadder(
      [hardenedRung, rung('recipe', undefined, { fsGroup: 1000, supplementalGroups: [5] })],
      kopiurV0_9_0,
    );
    expect(f.securityContext).not.toHaveProperty('fsGroup');
    expect(f.podSecurityContext).toMatchObject({ fsGroup: 1000, supplementalGroups: [5] });
  });
});

const id = fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined });
const arbRung = (name: RungName) =>
  fc
    .record({ c: id, p: id, cg: id, pg: id })
    .map(({ c, p, cg, pg }) =>
      rung(
        name,
        { ...(c !== undefined && { runAsUser: c }), ...(cg !== undefined && { runAsGroup: cg }) },
        { ...(p !== undefined && { runAsUser: p }), ...(pg !== undefined && { runAsGroup: pg }) },
      ),
    );
const arbLadder = fc
  .tuple(arbRung('moverDefaults'), arbRung('inherited'), arbRung('recipe'), arbRung('run'))
  .map((r) => [hardenedRung, ...r]);

describe('properties', () => {
  it('from 0.9.0 the highest rung that pins a UID gives it (its container value, else its pod value)', () => {
    fc.assert(
      fc.property(arbLadder, (rungs) => {
        const top = [...rungs]
          .reverse()
          .find(
            (r) => (r.securityContext?.runAsUser ?? r.podSecurityContext?.runAsUser) !== undefined,
          );
        const want = top
          ? (top.securityContext?.runAsUser ?? top.podSecurityContext?.runAsUser)
          : 65532;
        expect(uidOf(rungs)).toBe(want);
      }),
    );
  });

  it('the per-field fold gives the highest container runAsUser, else the highest pod runAsUser', () => {
    fc.assert(
      fc.property(arbLadder, (rungs) => {
        const c = [...rungs].reverse().find((r) => r.securityContext?.runAsUser !== undefined);
        const p = [...rungs].reverse().find((r) => r.podSecurityContext?.runAsUser !== undefined);
        const want = c?.securityContext?.runAsUser ?? p?.podSecurityContext?.runAsUser ?? 65532;
        expect(uidOf(rungs, kopiurV0_4_3)).toBe(want);
      }),
    );
  });

  it('every release keeps the hardened container fields nobody overrides', () => {
    fc.assert(
      fc.property(arbLadder, fc.constantFrom(...kopiurVersions), (rungs, v) => {
        const f = foldLadder(rungs, v);
        expect(f.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(f.podSecurityContext.fsGroup).toBe(65532);
      }),
    );
  });
});
