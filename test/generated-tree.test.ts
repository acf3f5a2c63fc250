import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatedTree } from './corpus-trees.js';
import { golden, runCliCaptured } from './run-cli.js';

/**
 * The tree npm run bench times, small: its output is recorded, so a change made for speed that
 * changes a byte of it fails here (issue 20). The JSON is recorded by its digest: 2 MiB of it.
 */
const dir = generatedTree('test/.generated-tree', 30, 10);

describe('explain over the generated bench tree (30 namespaces x 10 movers)', () => {
  it('prints the recorded table', async () => {
    const r = await runCliCaptured(['explain', '-A', '-f', dir, '-o', 'wide']);
    await expect(golden(r)).toMatchFileSnapshot('golden/generated-tree-wide.txt');
  });

  it('prints the recorded JSON, byte for byte', async () => {
    const r = await runCliCaptured(['explain', '-A', '-f', dir, '-o', 'json']);
    expect(r.code).toBe(0);
    const digest = createHash('sha256').update(r.stdout).digest('hex');
    await expect(`${digest} ${Buffer.byteLength(r.stdout)}\n`).toMatchFileSnapshot(
      'golden/generated-tree-json.sha256',
    );
  });
});
