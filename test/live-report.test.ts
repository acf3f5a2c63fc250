import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoFile, demoManifests } from '../src/adapters/manifests/demo-manifests.js';
import { parseYamlText, type ParseResult } from '../src/adapters/manifests/parse-yaml.js';
import { readFilenames } from '../src/adapters/manifests/read-sources.js';
import { defaultMoverImages, knownImages } from '../src/core/identity/known-images.js';
import type { KubeObject } from '../src/core/k8s/object.js';
import { LiveObjects } from '../src/core/live/live-objects.js';
import { LiveReport, type SnapshotBase } from '../src/core/live/live-report.js';
import { touchedNamespaces } from '../src/core/live/touched-namespaces.js';
import { moverKinds, resolveReport } from '../src/core/report/resolve-report.js';
import { offlineSnapshot } from '../src/core/snapshot.js';
import { generatedTree, realWorldTrees } from './corpus-trees.js';

/**
 * serve keeps the report of a watched cluster current one namespace at a time (live-report.ts).
 * Here, on every real-world tree, the demo and a generated tree: after the first list and after
 * every change of a random sequence, the report is the one explain -A gives for the same objects.
 */
const generated = generatedTree('test/.live-report-tree', 6, 4);
const privileged = 'volsync.backube/privileged-movers';

async function objectsOf(tree: string): Promise<KubeObject[]> {
  const out: ParseResult = { objects: [], skipped: [], ignored: 0 };
  if (tree === 'demo') parseYamlText(demoManifests, demoFile, 1, out);
  else await readFilenames([tree], Readable.from([]), out);
  // a cluster holds one object per kind, namespace and name: a tree read twice has duplicates
  const seen = new Set<string>();
  return out.objects.filter((o) => {
    const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    return !seen.has(key) && seen.add(key);
  });
}

const baseOf = (live: LiveObjects): SnapshotBase =>
  offlineSnapshot(live.controllerDeployments(), [], knownImages, defaultMoverImages);

const fullReport = (live: LiveObjects) =>
  resolveReport(offlineSnapshot(live.all(), [], knownImages, defaultMoverImages), { all: true });

/** One change a watch may deliver: the object after it, or a deletion. */
type Change = { put: KubeObject } | { delete: KubeObject };

const clone = (o: KubeObject): KubeObject => structuredClone(o);

/** Changes users make, picked from the objects at hand by the random numbers given. */
function changeOf(live: LiveObjects, pick: number, what: number): Change | undefined {
  const all = live.all();
  const o = all[pick % Math.max(all.length, 1)];
  if (!o) return undefined;
  switch (what % 6) {
    case 0:
      return { delete: o };
    case 1: {
      const ns = live.ofKind('Namespace')[pick % Math.max(live.ofKind('Namespace').length, 1)];
      if (!ns) return undefined;
      const n = clone(ns);
      const { [privileged]: was, ...others } = n.metadata.annotations ?? {};
      n.metadata.annotations = was === undefined ? { ...others, [privileged]: 'true' } : others;
      return { put: n };
    }
    case 2: {
      const movers = all.filter((x) => moverKinds.has(x.kind));
      const m = movers[pick % Math.max(movers.length, 1)];
      if (!m || typeof m.spec !== 'object' || m.spec === null) return undefined;
      const c = clone(m);
      const spec = c.spec as Record<string, unknown>;
      for (const v of Object.values(spec))
        if (typeof v === 'object' && v !== null && 'moverSecurityContext' in v)
          (v as Record<string, unknown>)['moverSecurityContext'] = {
            runAsUser: what % 2 === 0 ? 0 : 1000,
            fsGroup: 1000,
          };
      return { put: c };
    }
    case 3: {
      // the same mover in another namespace: repositories and volumes may now be shared
      const movers = all.filter((x) => moverKinds.has(x.kind));
      const m = movers[pick % Math.max(movers.length, 1)];
      const namespaces = [...live.namespaces()];
      const to = namespaces[what % Math.max(namespaces.length, 1)];
      if (!m || to === undefined) return undefined;
      const c = clone(m);
      c.metadata = { ...c.metadata, name: `${m.metadata.name}-copy`, namespace: to };
      delete c.origin;
      return { put: c };
    }
    case 4: {
      // a volume moved to another export, or released from its claim
      const pvs = live.ofKind('PersistentVolume');
      const pv = pvs[pick % Math.max(pvs.length, 1)];
      if (!pv) return undefined;
      const c = clone(pv);
      const spec = { ...(c.spec as Record<string, unknown>) };
      if (what % 2 === 0) spec['nfs'] = { server: 'nas.example', path: '/export/shared' };
      else delete spec['claimRef'];
      c.spec = spec;
      return { put: c };
    }
    default:
      // the same object again, as a resync or a status-only update delivers it
      return { put: clone(o) };
  }
}

function apply(live: LiveObjects, report: LiveReport, change: Change): void {
  const before = 'put' in change ? live.put(change.put) : live.delete(change.delete);
  const after = 'put' in change ? change.put : undefined;
  const touched = touchedNamespaces(before, after);
  report.refresh(live, baseOf(live), touched);
}

describe('the report serve keeps current', () => {
  it('is the report of explain -A after the first list, on every real-world tree and the demo', async () => {
    for (const tree of [...realWorldTrees(), 'demo', generated]) {
      const live = new LiveObjects();
      for (const o of await objectsOf(tree)) live.put(o);
      const report = new LiveReport();
      report.refresh(live, baseOf(live), 'all');
      expect(report.report(), tree).toEqual(fullReport(live));
    }
  });

  it('stays the report of explain -A after every change of a random sequence', async () => {
    const trees = await Promise.all(
      [...realWorldTrees(), 'demo', generated].map(async (t) => [t, await objectsOf(t)] as const),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: trees.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }),
        (t, picks) => {
          const [tree, objects] = trees[t] ?? ['none', []];
          const live = new LiveObjects();
          for (const o of objects) live.put(o);
          const report = new LiveReport();
          report.refresh(live, baseOf(live), 'all');
          for (const [pick, what] of picks) {
            const change = changeOf(live, pick, what);
            if (!change) continue;
            apply(live, report, change);
            expect(report.report(), `${tree} after ${JSON.stringify(picks)}`).toEqual(
              fullReport(live),
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
