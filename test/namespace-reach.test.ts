import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demoFile, demoManifests } from '../src/adapters/manifests/demo-manifests.js';
import { parseYamlText, type ParseResult } from '../src/adapters/manifests/parse-yaml.js';
import { readFilenames } from '../src/adapters/manifests/read-sources.js';
import { defaultMoverImages, knownImages } from '../src/core/identity/known-images.js';
import { namespaceOf, type KubeObject } from '../src/core/k8s/object.js';
import { kopiurMoverKinds, kopiurRepositoryKinds } from '../src/core/kopiur/parse-kopiur.js';
import { needsOtherNamespaces } from '../src/core/report/namespace-reach.js';
import { moverKinds, resolveReport } from '../src/core/report/resolve-report.js';
import { offlineSnapshot } from '../src/core/snapshot.js';
import { generatedTree, realWorldTrees } from './corpus-trees.js';

/**
 * A one-namespace read of a cluster lists the other namespaces' movers only when
 * needsOtherNamespaces says they can matter (read-cluster.ts). Here, on every real-world tree and
 * the demo: wherever it says no, the namespace's report without them is the report with them.
 */
const generated = generatedTree('test/.namespace-reach-tree', 5, 10);

const otherNamespacesKinds = new Set([
  ...moverKinds,
  ...kopiurMoverKinds,
  ...[...kopiurRepositoryKinds].filter((k) => k !== 'ClusterRepository'),
]);

async function objectsOf(tree: string): Promise<KubeObject[]> {
  const out: ParseResult = { objects: [], skipped: [], ignored: 0 };
  if (tree === 'demo') parseYamlText(demoManifests, demoFile, 1, out);
  else await readFilenames([tree], Readable.from([]), out);
  return out.objects;
}

const snapshotOf = (objects: KubeObject[]) =>
  offlineSnapshot(objects, [], knownImages, defaultMoverImages);

describe('the movers of other namespaces, read only when they can matter', () => {
  it('changes no namespace report where it skips them, and skips some and reads some', async () => {
    const trees = [...realWorldTrees(), 'demo', generated];
    let skipped = 0;
    let read = 0;
    for (const tree of trees) {
      const objects = await objectsOf(tree);
      const full = snapshotOf(objects);
      const namespaces = new Set(
        objects.filter((o) => otherNamespacesKinds.has(o.kind)).map(namespaceOf),
      );
      for (const ns of namespaces) {
        // what a one-namespace read has before it decides: the movers of this namespace only
        const own = snapshotOf(
          objects.filter((o) => !otherNamespacesKinds.has(o.kind) || namespaceOf(o) === ns),
        );
        if (needsOtherNamespaces(own, ns)) {
          read++;
          continue;
        }
        skipped++;
        const scope = { all: false, namespace: ns } as const;
        expect(resolveReport(own, scope), `${tree} ns/${ns}`).toEqual(resolveReport(full, scope));
      }
    }
    expect(skipped).toBeGreaterThan(0);
    expect(read).toBeGreaterThan(0);
  });
});
