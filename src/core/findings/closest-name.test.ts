import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findClosestName } from './closest-name.js';

describe('findClosestName', () => {
  it.each([
    ['APP_UID', ['VOLSYNC_PVC', 'VOLSYNC_PUID'], 'VOLSYNC_PUID'],
    ['APP_GID', ['VOLSYNC_PUID', 'VOLSYNC_PGID'], 'VOLSYNC_PGID'],
    ['VOLSYNC_PUIDD', ['VOLSYNC_PUID', 'VOLSYNC_CAPACITY'], 'VOLSYNC_PUID'],
    ['VOLSYNC_CAPACTY', ['VOLSYNC_CAPACITY', 'VOLSYNC_PUID'], 'VOLSYNC_CAPACITY'],
    ['TIMEZONE', ['VOLSYNC_PUID'], undefined],
    ['X', [], undefined],
  ])('%s among %j is %s', (name, candidates, expected) => {
    expect(findClosestName(name, candidates)).toBe(expected);
  });

  it('always answers one of the candidates, or nothing', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z_]{1,12}$/),
        fc.array(fc.stringMatching(/^[A-Z_]{1,12}$/)),
        (n, cs) => {
          const r = findClosestName(n, cs);
          expect(r === undefined || cs.includes(r)).toBe(true);
        },
      ),
    );
  });
});
