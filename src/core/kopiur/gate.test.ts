import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NamespaceFacts } from '../volsync/privileged.js';
import { decideGate, elevatedBy, kopiurPrivilegedKey, type KopiurJob } from './gate.js';

const ns = (value?: string): NamespaceFacts => ({
  name: 'media',
  annotations: value === undefined ? {} : { [kopiurPrivilegedKey]: value },
  labels: {},
});

describe('elevatedBy: what makes a merged mover elevated (kopiur.md §4.1)', () => {
  it.each([
    ['container runAsUser 0', { runAsUser: 0 }, {}, undefined, true],
    ['pod runAsUser 0', {}, { runAsUser: 0 }, undefined, true],
    ['container runAsNonRoot false', { runAsNonRoot: false }, {}, undefined, true],
    ['pod runAsNonRoot false', {}, { runAsNonRoot: false }, undefined, true],
    ['privileged', { privileged: true }, {}, undefined, true],
    ['allowPrivilegeEscalation', { allowPrivilegeEscalation: true }, {}, undefined, true],
    ['an added capability', { capabilities: { add: ['DAC_READ_SEARCH'] } }, {}, undefined, true],
    ['privilegedMode', {}, {}, true, true],
    ['an fsGroup 0', {}, { fsGroup: 0 }, undefined, false],
    ['UID 1000', { runAsUser: 1000 }, { runAsUser: 1000 }, false, false],
    ['an empty capabilities.add', { capabilities: { add: [] } }, {}, undefined, false],
  ])('%s: elevated=%s', (_what, sc, psc, pm, want) => {
    expect(elevatedBy(sc, psc, pm).length > 0).toBe(want);
  });
});

describe('decideGate: exactly "true", case-sensitive; a 403 allows (kopiur.md §4.1)', () => {
  it.each([
    ['true', true],
    ['True', false],
    ['TRUE', false],
    [' true', false],
    ['yes', false],
    ['', false],
  ])('annotation %j permits an elevated backup: %s', (value, want) => {
    expect(decideGate('backup', ['pod runAsUser: 0'], 'media', ns(value), true).permitted).toBe(
      want,
    );
  });

  it('a spelling other than "true" is kept to be reported', () => {
    expect(decideGate('restore', ['x'], 'media', ns('True'), true).misspelled).toBe('True');
  });

  it('a missing annotation refuses an elevated restore with MoverPermitted=False', () => {
    const d = decideGate('restore', ['x'], 'media', ns(), true);
    expect(d.permitted).toBe(false);
    expect(d.effect).toContain('MoverPermitted=False');
  });

  it('an operator that cannot read Namespaces (403, a namespaced install) allows the elevated mover', () => {
    expect(decideGate('backup', ['x'], 'media', ns(), false).permitted).toBe(true);
  });

  it('a Namespace missing from the input leaves the answer unknown', () => {
    expect(decideGate('backup', ['x'], 'media', undefined, null).permitted).toBeNull();
  });

  it.each(['verify', 'replication', 'bootstrap'] as KopiurJob[])(
    'the %s Job is not gated',
    (job) => {
      expect(decideGate(job, ['x'], 'media', ns(), true)).toMatchObject({
        permitted: true,
        applies: false,
      });
    },
  );

  it('maintenance is refused too, and only the log says so', () => {
    expect(decideGate('maintenance', ['x'], 'media', ns(), true).effect).toContain('log');
  });

  it('a mover that is not elevated passes whatever the annotation says', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), (v) => {
        expect(decideGate('backup', [], 'media', ns(v), true).permitted).toBe(true);
      }),
    );
  });
});
