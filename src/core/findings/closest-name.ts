import { textOrder } from '../text-order.js';

const tokens = (name: string) =>
  name
    .toUpperCase()
    .split(/[_\W]+/)
    .filter((t) => t.length > 0);

/** One token equal to, or (3 letters or more) inside, a token of the other name. */
function sharedTokens(a: string, b: string): number {
  const tb = tokens(b);
  return tokens(a).filter((x) =>
    tb.some(
      (y) => x === y || (Math.min(x.length, y.length) >= 3 && (x.includes(y) || y.includes(x))),
    ),
  ).length;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate a misnamed variable most likely meant: most shared name parts (`APP_UID` and
 * `VOLSYNC_PUID` share UID), then fewest edits; undefined when none is near.
 */
export function findClosestName(name: string, candidates: readonly string[]): string | undefined {
  const scored = candidates
    .map((c) => ({
      c,
      shared: sharedTokens(name, c),
      edits: editDistance(name.toUpperCase(), c.toUpperCase()),
    }))
    .filter((x) => x.shared > 0 || x.edits <= Math.max(2, Math.floor(name.length / 3)))
    .sort((x, y) => y.shared - x.shared || x.edits - y.edits || textOrder(x.c, y.c));
  return scored[0]?.c;
}
