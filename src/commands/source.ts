import { readFileSync } from 'node:fs';
import { InvalidSpecError } from '../core/errors.js';
import type { ImageFacts } from '../core/identity/image.js';
import { parseImageUserFlag } from '../core/identity/image-user-flag.js';
import { defaultMoverImages, knownImages } from '../core/identity/known-images.js';
import type { Scope } from '../core/report/resolve-report.js';
import type { Unknown } from '../core/identity/unknown.js';
import type { RepositoryFacts } from '../core/repository-facts.js';
import { offlineSnapshot, type Snapshot } from '../core/snapshot.js';
import { demoFile, demoManifests } from '../adapters/manifests/demo-manifests.js';
import { demoSnapshot } from '../adapters/manifests/demo-snapshot.js';
import type { ParseResult } from '../adapters/manifests/parse-yaml.js';
import { InputError, UsageError } from '../errors.js';
import type { Deps } from './deps.js';
import type { GlobalArgs } from './global-options.js';
import { nfsSquashFlags, readClusterAudits, withFlagFacts } from './storage-facts.js';
import { kopiurVersionFlag, volsyncVersionFlag } from './volsync-version-flag.js';

/** Where a command reads from: manifests, the demo, or the live cluster of the kubeconfig. */
export interface Source {
  /** `-n`, else the kubeconfig context's namespace (cluster), else `default`. */
  defaultNamespace: string;
  /**
   * Reads the snapshot; a cluster source reads only what the scope needs. `focus` is the one
   * object effective-uid explains, whose images are then read too.
   */
  read(scope: Scope, focus?: { kind: string; namespace: string; name: string }): Promise<Snapshot>;
}

/** Checks that at most one offline source was asked for; none means the live cluster. */
export function validateSource(a: GlobalArgs): void {
  const n =
    (a.filename.length > 0 ? 1 : 0) +
    (a.kustomize !== undefined ? 1 : 0) +
    (a.flux !== undefined ? 1 : 0) +
    (a.demo ? 1 : 0);
  if (n > 1) throw new UsageError('-f, -k, --flux and --demo are exclusive; pass one source');
  if (a['flux-root'] !== undefined && a.flux === undefined)
    throw new UsageError('--flux-root says where a --flux repository starts; add --flux DIR');
  if (n > 0 && (a['all-contexts'] || a.context.length > 1))
    throw new UsageError(
      'several contexts scan live clusters: drop -f/-k/--demo, or pass one --context',
    );
  if (n > 0 && a['use-pull-secrets'])
    throw new UsageError(
      '--use-pull-secrets reads Secrets from a live cluster: drop -f/-k/--demo, or use docker login',
    );
  if (n > 0 && a['server-dry-run'])
    throw new UsageError(
      '--server-dry-run asks a live API server: drop -f/-k/--demo to read the cluster of the kubeconfig',
    );
}

export const isOffline = (a: GlobalArgs) =>
  a.filename.length > 0 || a.kustomize !== undefined || a.flux !== undefined || a.demo;

/** Completes the source from the flags (and the kubeconfig for a cluster); reads nothing yet. */
export async function openSource(a: GlobalArgs, deps: Deps): Promise<Source> {
  const imageFacts = imageUserFlags(a);
  // registry and file readers load crypto, zlib, child_process: none of it is needed by --demo
  nfsSquashFlags(a);
  volsyncVersionFlag(a);
  kopiurVersionFlag(a);
  if (a.demo)
    return {
      defaultNamespace: a.namespace ?? 'default',
      read: () => Promise.resolve(withFlagFacts(a, demoSnapshot(imageFacts))),
    };
  const { withRegistryFacts } = await import('./image-facts.js');
  if (isOffline(a))
    return {
      defaultNamespace: a.namespace ?? 'default',
      read: async (_scope, focus) =>
        withFlagFacts(
          a,
          await withRegistryFacts(
            a,
            deps,
            await readOffline(a, deps, imageFacts),
            imageFacts,
            focus,
          ),
        ),
    };
  // client-node is heavy: loaded only when a cluster is read (STYLE.md, Commands)
  const { openClusterSource } = await import('./cluster-source.js');
  const cluster = openClusterSource(a, deps, imageFacts);
  return {
    defaultNamespace: cluster.defaultNamespace,
    read: async (scope, focus) => {
      const snapshot = await cluster.read(scope);
      const auths = a['use-pull-secrets'] ? await cluster.pullSecrets(snapshot) : [];
      return withFlagFacts(
        a,
        await withRegistryFacts(a, deps, snapshot, imageFacts, focus, auths),
        {
          audits: await readClusterAudits(deps, cluster.client.target.server),
        },
      );
    },
  };
}

export function imageUserFlags(a: GlobalArgs): ImageFacts[] {
  return a['image-user'].map((v) => {
    try {
      return parseImageUserFlag(v);
    } catch (e) {
      if (e instanceof InvalidSpecError) throw new UsageError(`${e.where}: ${e.problem}; ${e.fix}`);
      throw e;
    }
  });
}

/** Reads the chosen offline source into a Snapshot; warnings go to stderr. */
async function readOffline(a: GlobalArgs, deps: Deps, imageFacts: ImageFacts[]): Promise<Snapshot> {
  const out: ParseResult = { objects: [], skipped: [], ignored: 0 };
  let repository: RepositoryFacts | undefined;
  let unknowns: Unknown[] = [];
  if (a.flux !== undefined) {
    const { readFluxRepository } = await import('../adapters/manifests/flux/read-flux.js');
    const flux = await readFluxRepository(a.flux, {
      cwd: process.cwd(),
      ...(a['flux-root'] !== undefined && { root: a['flux-root'] }),
      ...(deps.kubectl !== undefined && { kubectl: deps.kubectl }),
    });
    for (const w of flux.warnings) deps.stderr.write(`warning: ${w}\n`);
    out.objects.push(...flux.objects);
    repository = flux.repository;
    unknowns = flux.unknowns;
  } else {
    const { notReadNote, readFilenames, readKustomize } =
      await import('../adapters/manifests/read-sources.js');
    if (a.kustomize !== undefined) await readKustomize(a.kustomize, out, deps.kubectl);
    else
      for (const line of notReadNote(await readFilenames(a.filename, deps.stdin, out), a.v > 0))
        deps.stderr.write(`${line}\n`);
  }
  for (const s of out.skipped.slice(0, 5))
    deps.stderr.write(`warning: ${s}: not a Kubernetes object (no apiVersion/kind); skipped\n`);
  if (out.skipped.length > 5)
    deps.stderr.write(`warning: ${out.skipped.length - 5} more non-Kubernetes documents skipped\n`);
  if (out.objects.length === 0 && out.ignored === 0)
    throw new InputError(
      `${sourceName(a)}: no Kubernetes objects in the input; pass manifests with apiVersion and kind`,
    );
  const snapshot = offlineSnapshot(out.objects, imageFacts, knownImages, defaultMoverImages);
  return repository
    ? { ...snapshot, repository, unknowns: [...snapshot.unknowns, ...unknowns] }
    : snapshot;
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
      : a.flux !== undefined
        ? `--flux ${a.flux}`
        : `-f ${a.filename.join(',')}`;
