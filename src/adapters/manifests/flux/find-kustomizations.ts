import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { asString, asStringMap, isObject, path } from '../../../core/k8s/json.js';
import type { UnrenderedNamespace } from '../../../core/repository-facts.js';
import { privilegedMoversKey } from '../../../core/volsync/privileged.js';
import { docStart, lineCounter, readYamlDocs } from '../yaml-events.js';
import {
  isFluxKustomization,
  readFluxKustomization,
  type FluxKustomization,
} from './flux-kustomization.js';
import { hasKustomizationFile } from './kustomize-build.js';

/** The Flux Kustomizations written in one file, each with its line (origins are absolute paths). */
export function readKustomizationFile(file: string): FluxKustomization[] {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('kustomize.toolkit.fluxcd.io')) return [];
  const lineAt = lineCounter(text);
  return readYamlDocs(text).flatMap((d) =>
    isObject(d.value) && isFluxKustomization(d.value)
      ? [readFluxKustomization(d.value, { file, line: lineAt(Math.max(docStart(d), 0)) })]
      : [],
  );
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return ['.yaml', '.yml'].includes(extname(e.name)) ? [p] : [];
  });
}

const inside = (file: string, dir: string) => file.startsWith(dir + sep);

/**
 * Where reconciliation starts for `--flux START`, and the repository root spec.path is relative
 * to. A Kustomization file starts with the Flux Kustomizations it holds; a directory with a
 * kustomization file is rendered as the path of one; any other directory starts with the Flux
 * Kustomizations found in it that no other one's path holds (e.g. kubernetes/flux/cluster/ks.yaml,
 * applied by the bootstrap), as the cluster reaches the rest from those.
 */
export function findStart(
  start: string,
  givenRoot: string | undefined,
): { root: string; roots: FluxKustomization[] } {
  const isDir = statSync(start).isDirectory();
  const found = (isDir ? yamlFiles(start) : [start]).flatMap((f) =>
    readKustomizationFile(f).map((k) => ({ k, file: f })),
  );
  const root = givenRoot ?? repositoryRoot(start, found[0]?.k);
  if (isDir && hasKustomizationFile(start)) {
    const path = relative(root, start) || '.';
    const k: FluxKustomization = {
      name: path,
      namespace: 'flux-system',
      path,
      components: [],
      patches: [],
      substitute: {},
      substituteFrom: [],
      source: '',
      origin: { file: start, line: 1 },
    };
    return { root, roots: [k] };
  }
  const roots = found
    .filter(({ k, file }) => !found.some((o) => o.k !== k && inside(file, resolve(root, o.k.path))))
    .map(({ k }) => k);
  return { root, roots };
}

/**
 * The nearest directory at or above START under which the first Kustomization's path exists, else
 * the nearest one holding .git, else START's own directory.
 */
function repositoryRoot(start: string, first: FluxKustomization | undefined): string {
  const from = statSync(start).isDirectory() ? start : dirname(start);
  const up = function* () {
    for (let d = from; ; d = dirname(d)) {
      yield d;
      if (dirname(d) === d) return;
    }
  };
  if (first && !first.path.includes('${'))
    for (const d of up()) if (existsSync(resolve(d, first.path))) return d;
  for (const d of up()) if (existsSync(join(d, '.git'))) return d;
  return from;
}

/**
 * Namespace manifests under `start` that write the privileged-movers key in a file none of the
 * rendered objects came from: nothing applies them.
 */
export function findUnrenderedNamespaces(
  start: string,
  renderedFiles: ReadonlySet<string>,
  shownAs: (file: string) => string,
): UnrenderedNamespace[] {
  if (!statSync(start).isDirectory()) return [];
  return yamlFiles(start).flatMap((file) => {
    if (renderedFiles.has(file)) return [];
    const text = readFileSync(file, 'utf8');
    if (!text.includes('privileged-movers')) return [];
    const lineAt = lineCounter(text);
    let docs;
    try {
      docs = readYamlDocs(text);
    } catch {
      return []; // not YAML the cluster could apply either
    }
    return docs.flatMap((d) => {
      if (!isObject(d.value) || d.value['kind'] !== 'Namespace') return [];
      return (['annotations', 'labels'] as const).flatMap((part) => {
        const value = asStringMap(path(d.value, 'metadata', part))[privilegedMoversKey];
        if (value === undefined) return [];
        const at = text.indexOf('privileged-movers', Math.max(docStart(d), 0));
        return [
          {
            name: asString(path(d.value, 'metadata', 'name')) ?? '',
            part,
            value,
            origin: { file: shownAs(file), line: lineAt(at < 0 ? Math.max(docStart(d), 0) : at) },
          },
        ];
      });
    });
  });
}
