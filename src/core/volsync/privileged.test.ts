import { describe, expect, it } from 'vitest';
import { resolvePrivileged, type NamespaceFacts } from './privileged.js';

const ns = (value?: string): NamespaceFacts => ({
  name: 'x',
  annotations: value === undefined ? {} : { 'volsync.backube/privileged-movers': value },
  labels: {},
});

describe('resolvePrivileged reads the annotation as VolSync does (lower-cased, untrimmed, "true" only)', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    [' true', false],
    ['true ', false],
    ['yes', false],
    ['1', false],
    ['on', false],
    ['', false],
    ['false', false],
    ['somethingelse', false],
  ])('value %j makes the mover privileged=%s', (value, expected) => {
    expect(resolvePrivileged('restic', ns(value), 'x').value).toBe(expected);
  });

  it('a missing annotation means unprivileged', () => {
    expect(resolvePrivileged('kopia', ns(), 'x').value).toBe(false);
  });

  it('an unknown Namespace makes the decision unknown, not false', () => {
    const d = resolvePrivileged('kopia', undefined, 'x');
    expect(d.value).toBeNull();
    expect(d.steps[0]?.effect).toMatch(/not in the input/);
  });

  it('the legacy rsync mover is privileged whatever the annotation says', () => {
    expect(resolvePrivileged('rsync', ns('false'), 'x').value).toBe(true);
    expect(resolvePrivileged('rsync', undefined, 'x').value).toBe(true);
  });

  it('a label with the annotation key is not read', () => {
    expect(
      resolvePrivileged(
        'restic',
        { name: 'x', annotations: {}, labels: { 'volsync.backube/privileged-movers': 'true' } },
        'x',
      ).value,
    ).toBe(false);
  });
});
