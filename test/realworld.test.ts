import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { golden, runCliCaptured, sarifLocation } from './run-cli.js';

/**
 * Public Flux repositories rendered as Flux applies them (DESIGN.md §7): the project's own
 * fixtures, copied with their licences (test/fixtures/corpus/README.md).
 */
const corpus = 'test/fixtures/corpus/realworld';
const trees = readdirSync(corpus, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(corpus, d.name), { withFileTypes: true })
      .filter((c) => c.isDirectory())
      .map((c) => join(corpus, d.name, c.name)),
  );
const nameOf = (tree: string) => tree.slice(corpus.length + 1).replace('/', '-');

/** rcdailey/home-ops just before the change that removed the annotation (the incident). */
const incident = join(corpus, 'rcdailey-home-ops', 'dd7d578d');

describe('real GitOps repositories (test/fixtures/corpus/realworld)', () => {
  it('finds the seven rendered repositories', () => {
    expect(trees.map(nameOf)).toHaveLength(7);
  });

  it.each(trees.map((t) => [nameOf(t), t]))('explain -A on %s', async (name, tree) => {
    const r = await runCliCaptured(['explain', '-A', '-f', tree, '-o', 'wide']);
    expect(r.code).toBe(0);
    await expect(golden(r)).toMatchFileSnapshot(`golden/realworld/${name}.txt`);
  });

  it('locates the incident finding at the annotation line of the rendered Namespace (SARIF)', async () => {
    const r = await runCliCaptured(['explain', '-A', '-f', incident, '-o', 'sarif']);
    // default.yaml line 10: `    volsync.backube/privileged-movers: 'true'`
    expect(sarifLocation(r.stdout, 'VP001')).toEqual({
      uri: join(incident, 'default.yaml'),
      line: 10,
    });
    await expect(golden(r)).toMatchFileSnapshot('golden/realworld/incident-sarif.txt');
  });
});
