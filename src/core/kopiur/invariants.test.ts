import { describe, expect, it } from 'vitest';
import { applyInvariants } from './invariants.js';
import { kopiurV0_4_3 } from './versions/v0.4.3.js';
import { kopiurV0_4_7 } from './versions/v0.4.7.js';

describe('the invariants after the merge, from 0.4.7 (kopiur.md §0 rule 5)', () => {
  it('INV-1: an effective UID 0 turns runAsNonRoot true into false, container and pod', () => {
    const r = applyInvariants(
      { runAsNonRoot: true },
      { runAsUser: 0, runAsNonRoot: true },
      kopiurV0_4_7,
    );
    expect(r.securityContext.runAsNonRoot).toBe(false);
    expect(r.podSecurityContext.runAsNonRoot).toBe(false);
    expect(r.changes.map((c) => c.rule)).toEqual(['INV-1', 'INV-1']);
  });

  it.each([
    ['privileged', { privileged: true, allowPrivilegeEscalation: false }, true],
    [
      'CAP_SYS_ADMIN',
      { capabilities: { add: ['CAP_SYS_ADMIN'] }, allowPrivilegeEscalation: false },
      true,
    ],
    [
      'SYS_ADMIN (not the exact string)',
      { capabilities: { add: ['SYS_ADMIN'] }, allowPrivilegeEscalation: false },
      false,
    ],
  ])('INV-2 on %s sets allowPrivilegeEscalation true: %s', (_what, sc, want) => {
    expect(applyInvariants(sc, {}, kopiurV0_4_7).securityContext.allowPrivilegeEscalation).toBe(
      want,
    );
  });

  it('0.4.3 has no invariants: the merged contexts stay as they are', () => {
    const r = applyInvariants({ runAsUser: 0, runAsNonRoot: true }, {}, kopiurV0_4_3);
    expect(r.changes).toEqual([]);
    expect(r.securityContext.runAsNonRoot).toBe(true);
  });
});
