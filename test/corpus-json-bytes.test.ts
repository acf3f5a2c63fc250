import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { realWorldTrees } from './corpus-trees.js';
import { runCliCaptured } from './run-cli.js';

/**
 * Every real-world tree's `explain -A -o json`, recorded by digest: a change made for speed
 * (issue 20) that changes one byte of any identity, trace step, finding or unknown fails here.
 * The tables are recorded in full by realworld.test.ts and kopiur.test.ts.
 */
const trees = realWorldTrees();

const digestOf = (stdout: string) =>
  `${createHash('sha256').update(stdout).digest('hex')} ${Buffer.byteLength(stdout)}`;

describe('explain -A -o json over the real-world corpus, byte for byte', () => {
  it('reads the fourteen trees', () => {
    expect(trees).toHaveLength(14);
  });

  it('prints the recorded JSON of each tree', async () => {
    const lines: string[] = [];
    for (const tree of trees) {
      const r = await runCliCaptured(['explain', '-A', '-f', tree, '-o', 'json']);
      lines.push(`${tree} exit ${r.code} ${digestOf(r.stdout)}`);
    }
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('golden/corpus-json.sha256');
  });
});
