import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '../src/adapters/manifests/demo-snapshot.js';
import type { ParseResult } from '../src/adapters/manifests/parse-yaml.js';
import { readFilenames } from '../src/adapters/manifests/read-sources.js';
import { defaultMoverImages, knownImages } from '../src/core/identity/known-images.js';
import { offlineSnapshot, type Snapshot } from '../src/core/snapshot.js';
import { resolvedBothWays } from '../src/core/test-support/shapes-both-ways.js';
import { generatedTree, realWorldTrees } from './corpus-trees.js';

/**
 * The shape memo (src/core/report/mover-shapes.ts) against the prediction of each mover on its
 * own, on every real-world tree, the demo and the bench's generated tree: equal, subject by
 * subject, down to each trace step and unknown.
 */
async function treeSnapshot(dir: string): Promise<Snapshot> {
  const out: ParseResult = { objects: [], skipped: [], ignored: 0 };
  await readFilenames([dir], new PassThrough(), out);
  return offlineSnapshot(out.objects, [], knownImages, defaultMoverImages);
}

const generated = generatedTree('test/.mover-shapes-tree', 30, 10);

describe('predictions by mover shape equal the direct ones', () => {
  it.each(realWorldTrees())('on the real-world tree %s', async (tree) => {
    const { withMemo, direct } = resolvedBothWays(await treeSnapshot(tree));
    expect(withMemo).toStrictEqual(direct);
  });

  it('on the demo', () => {
    const { withMemo, direct } = resolvedBothWays(demoSnapshot());
    expect(direct.length).toBeGreaterThan(0);
    expect(withMemo).toStrictEqual(direct);
  });

  it('on the generated tree, where 300 movers are 20 shapes', async () => {
    const { withMemo, direct, shapes } = resolvedBothWays(await treeSnapshot(generated));
    expect(direct).toHaveLength(300);
    expect(shapes).toBe(20);
    expect(withMemo).toStrictEqual(direct);
  });
});
