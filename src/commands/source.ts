import { readFileSync } from 'node:fs';
import { InvalidSpecError } from '../core/errors.js';
import { parseImageUserFlag } from '../core/identity/image-user-flag.js';
import { defaultMoverImages, knownImages } from '../core/identity/known-images.js';
import { offlineSnapshot, type Snapshot } from '../core/snapshot.js';
import { demoFile, demoManifests } from '../adapters/manifests/demo-manifests.js';
import { parseYamlText, type ParseResult } from '../adapters/manifests/parse-yaml.js';
import { readFilenames, readKustomize } from '../adapters/manifests/read-sources.js';
import { InputError, UsageError } from '../errors.js';
import type { Deps } from './deps.js';
import type { GlobalArgs } from './global-options.js';

/** Checks that exactly the sources that can be read now were asked for. */
export function validateSource(a: GlobalArgs): void {
  const n =
    (a.filename.length > 0 ? 1 : 0) + (a.kustomize !== undefined ? 1 : 0) + (a.demo ? 1 : 0);
  if (n > 1) throw new UsageError('-f, -k and --demo are exclusive; pass one source');
  if (n === 0)
    throw new UsageError(
      'no source: pass -f FILE|DIR|-, -k DIR or --demo (reading a live cluster is not available yet)',
    );
}

/** Reads the chosen offline source into a Snapshot; warnings go to stderr. */
export async function readSnapshot(a: GlobalArgs, deps: Deps): Promise<Snapshot> {
  const out: ParseResult = { objects: [], skipped: [], ignored: 0 };
  if (a.demo) parseYamlText(demoManifests, demoFile, 1, out);
  else if (a.kustomize !== undefined) await readKustomize(a.kustomize, out, deps.kubectl);
  else await readFilenames(a.filename, deps.stdin, out);
  for (const s of out.skipped.slice(0, 5))
    deps.stderr.write(`warning: ${s}: not a Kubernetes object (no apiVersion/kind); skipped\n`);
  if (out.skipped.length > 5)
    deps.stderr.write(`warning: ${out.skipped.length - 5} more non-Kubernetes documents skipped\n`);
  if (out.objects.length === 0 && out.ignored === 0)
    throw new InputError(
      `${sourceName(a)}: no Kubernetes objects in the input; pass manifests with apiVersion and kind`,
    );
  const flags = a['image-user'].map((v) => {
    try {
      return parseImageUserFlag(v);
    } catch (e) {
      if (e instanceof InvalidSpecError) throw new UsageError(`${e.where}: ${e.problem}; ${e.fix}`);
      throw e;
    }
  });
  return offlineSnapshot(out.objects, flags, knownImages, defaultMoverImages);
}

/**
 * A manifest's text read again to locate fields (SARIF): the demo is embedded, files are on disk;
 * stdin and kustomize output are gone, so their findings keep the object's line.
 */
export function rereadManifest(file: string): string | undefined {
  if (file === demoFile) return demoManifests;
  if (file.startsWith('<') || file.startsWith('kustomize:')) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const sourceName = (a: GlobalArgs) =>
  a.demo
    ? '--demo'
    : a.kustomize !== undefined
      ? `-k ${a.kustomize}`
      : `-f ${a.filename.join(',')}`;
