type Op = { kind: ' ' | '-' | '+'; line: string };

/**
 * The shortest edit from `a` to `b` by longest common subsequence (workloads are a few hundred
 * lines), removals before additions where both are shortest, as diff -u orders them.
 */
function edits(a: string[], b: string[]): Op[] {
  const w = b.length + 1;
  // common[i * w + j]: the longest common subsequence of a[i..] and b[j..]
  const common = new Uint32Array((a.length + 1) * w);
  const at = (i: number, j: number) => common[i * w + j] as number;
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      common[i * w + j] =
        a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  const ops: Op[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] as string });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || at(i + 1, j) >= at(i, j + 1)))
      ops.push({ kind: '-', line: a[i++] as string });
    else ops.push({ kind: '+', line: b[j++] as string });
  }
  return ops;
}

const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * `diff -u` of two texts with three lines of context, headed by the two names; '' when they are
 * equal. What `kubectl diff` prints, so reviewers read it the same way.
 */
export function unifiedDiff(from: string, to: string, fromName: string, toName: string): string {
  const ops = edits(lines(from), lines(to));
  const context = 3;
  // each change with its context; ranges that touch are one hunk
  const ranges: [number, number][] = [];
  ops.forEach((o, k) => {
    if (o.kind === ' ') return;
    const [lo, hi] = [Math.max(0, k - context), Math.min(ops.length, k + 1 + context)];
    const last = ranges.at(-1);
    if (last && lo <= last[1]) last[1] = hi;
    else ranges.push([lo, hi]);
  });
  if (ranges.length === 0) return '';
  // the 1-based line of each op in the two texts
  const lineA: number[] = [];
  const lineB: number[] = [];
  let [a, b] = [1, 1];
  for (const o of ops) {
    lineA.push(a);
    lineB.push(b);
    if (o.kind !== '+') a++;
    if (o.kind !== '-') b++;
  }
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  for (const [lo, hi] of ranges) {
    const hunk = ops.slice(lo, hi);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    // an empty side is numbered by the line before it, as diff -u does
    const start = (line: number[], len: number) => (line[lo] as number) - (len === 0 ? 1 : 0);
    out.push(`@@ -${start(lineA, aLen)},${aLen} +${start(lineB, bLen)},${bLen} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
  }
  return `${out.join('\n')}\n`;
}
