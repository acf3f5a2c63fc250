import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { meetsNodeFloor, nodeFloor } from './node-floor.js';

type Version = [number, number, number];

const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.split('.').map((p) => (p === '*' || p === 'x' ? 0 : Number(p)));
  return [a, b, c];
};
const cmp = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** npm's `engines.node` ranges as the lockfile has them: `>=`, `<`, `^`, `6.*`, `||`. */
function satisfies(v: Version, range: string): boolean {
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/(>=|<)\s+/g, '$1')
      .split(/\s+/)
      .every((c) => {
        const m = /^(>=|<|\^)?(\d+(?:\.(?:\d+|\*|x))*)$/.exec(c);
        if (!m?.[2]) throw new Error(`engines range ${JSON.stringify(range)}: ${c} not understood`);
        const w = parse(m[2]);
        if (m[1] === '>=') return cmp(v, w) >= 0;
        if (m[1] === '<') return cmp(v, w) < 0;
        // ^1.2.3 is below 2.0.0; a bare 6.* or 6.1 is below 7.0.0 or 6.2.0
        const given = m[1] === '^' ? 1 : m[2].split('.').filter((x) => /^\d+$/.test(x)).length;
        const next = w.map((x, i) => (i < given - 1 ? x : i === given - 1 ? x + 1 : 0)) as Version;
        return cmp(v, w) >= 0 && cmp(v, next) < 0;
      }),
  );
}

/** Every production dependency's `engines.node`, from the lockfile npm ci installs. */
function productionEngines(): [string, string][] {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, { dev?: boolean; engines?: { node?: string } }>;
  };
  return Object.entries(lock.packages).flatMap(([path, p]) =>
    path !== '' && !p.dev && p.engines?.node ? [[path, p.engines.node] as [string, string]] : [],
  );
}

describe('the Node floor the entry checks', () => {
  it.each([
    ['22.19.0', true],
    ['22.19.1', true],
    ['22.20.0', true],
    ['24.21.0', true],
    ['22.18.9', false],
    ['22.0.0', false],
    ['20.20.2', false],
    ['12.22.9', false],
  ])('Node %s meets it: %s', (v, ok) => {
    expect(meetsNodeFloor(v)).toBe(ok);
  });

  it('every production dependency runs on it, and one does not on the release before it (so it is the highest engines.node)', () => {
    const engines = productionEngines();
    expect(engines.length).toBeGreaterThan(20);
    const floor: Version = [...nodeFloor];
    expect(engines.filter(([, r]) => !satisfies(floor, r))).toEqual([]);
    const before: Version =
      floor[2] > 0 ? [floor[0], floor[1], floor[2] - 1] : [floor[0], floor[1] - 1, 99];
    expect(engines.filter(([, r]) => !satisfies(before, r)).length).toBeGreaterThan(0);
  });
});
