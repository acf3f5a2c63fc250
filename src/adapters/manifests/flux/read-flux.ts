import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { objectKey, type KubeObject } from '../../../core/k8s/object.js';
import { moverKinds } from '../../../core/report/resolve-report.js';
import type { Unknown } from '../../../core/identity/unknown.js';
import type { RepositoryFacts } from '../../../core/repository-facts.js';
import { InputError } from '../../../errors.js';
import { fluxKustomizationKey, type FluxKustomization } from './flux-kustomization.js';
import { findStart, findUnrenderedNamespaces } from './find-kustomizations.js';
import { buildFluxKustomizations, describe } from './kustomize-build.js';
import {
  childKustomization,
  renderedObjects,
  splitBatch,
  type Rendered,
} from './rendered-objects.js';
import { ShadowRepository } from './shadow-repository.js';
import { SourceLines } from './source-lines.js';
import { VariableSources } from './variables.js';
import { textOrder } from '../../../core/text-order.js';

export interface FluxReadOptions {
  /** --flux-root: the directory spec.path is relative to. */
  root?: string;
  kubectl?: string;
  /** File names are shown relative to this directory (the working directory). */
  cwd: string;
}

export interface FluxRead {
  objects: KubeObject[];
  warnings: string[];
  /** How many Flux Kustomizations were rendered. */
  rendered: number;
  repository: RepositoryFacts;
  /** Variables of movers' templates whose values a source that cannot be read may set. */
  unknowns: Unknown[];
}

/**
 * Renders a Flux repository the way kustomize-controller reconciles it: from the start, each Flux
 * Kustomization is built with kubectl kustomize (targetNamespace, patches, components,
 * commonMetadata applied), the Flux Kustomizations in its output are rendered in turn, and every
 * object is substituted with its Kustomization's postBuild variables. Objects keep the file and
 * line of their template.
 */
export async function readFluxRepository(start: string, opts: FluxReadOptions): Promise<FluxRead> {
  const from = resolve(opts.cwd, start);
  const shownAs = (file: string) => relative(opts.cwd, file) || '.';
  let found;
  try {
    found = findStart(from, opts.root === undefined ? undefined : resolve(opts.cwd, opts.root));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InputError(
        `--flux ${start}: no such file or directory; pass the repository's Flux directory`,
      );
    throw e;
  }
  if (found.roots.length === 0)
    throw new InputError(
      `--flux ${start}: no Flux Kustomization (kustomize.toolkit.fluxcd.io) and no kustomization.yaml; pass the directory of the cluster's Flux manifests`,
    );
  const work = await mkdtemp(join(tmpdir(), 'volsync-perms-flux-'));
  try {
    const failed: string[] = [];
    const rendered = await renderTree(
      found.roots,
      found.root,
      work,
      opts.kubectl ?? 'kubectl',
      failed,
    );
    const sources = new VariableSources();
    for (const r of rendered)
      for (const d of r.docs)
        if (d.value) sources.add(d.value, r.k.targetNamespace ?? r.k.namespace);
    const lines = new SourceLines();
    // builds finish in any order; the report does not
    const out: FluxRead = {
      objects: [],
      warnings: failed.sort(),
      rendered: rendered.length,
      repository: { unusedVariables: [], unrenderedNamespaces: [] },
      unknowns: [],
    };
    const seen = new Set<string>();
    const unreadable = new Map<string, number>();
    const files = new Set<string>();
    const unreadableOf = new Map<string, string[]>();
    for (const r of rendered) {
      const objectsOfK = renderedObjects(r, sources, lines, shownAs);
      unreadableOf.set(fluxKustomizationKey(r.k), objectsOfK.unreadable);
      out.warnings.push(...objectsOfK.warnings);
      out.repository.unusedVariables.push(...objectsOfK.unusedVariables);
      for (const f of objectsOfK.files) files.add(f);
      for (const u of objectsOfK.unreadable) unreadable.set(u, (unreadable.get(u) ?? 0) + 1);
      for (const o of objectsOfK.objects) {
        const id = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.objects.push(o);
      }
    }
    for (const [u, n] of unreadable)
      out.warnings.push(
        `substituteFrom ${u} (read by ${n} Kustomization${n === 1 ? '' : 's'}): the variables it sets took their defaults in the templates`,
      );
    out.unknowns = unknownVariables(unreadableOf, out.objects);
    out.repository.unrenderedNamespaces = findUnrenderedNamespaces(from, files, shownAs);
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Kustomizations that may share a kustomize run: one per target namespace, so that templates
 * instantiated by several apps (`ReplicationSource ${APP}`) never meet before substitution.
 */
export function planBatches(ks: FluxKustomization[]): FluxKustomization[][] {
  const batches: FluxKustomization[][] = [];
  for (const k of ks) {
    const fits = (b: FluxKustomization[]) =>
      k.targetNamespace !== undefined &&
      b.every((o) => o.targetNamespace !== undefined && o.targetNamespace !== k.targetNamespace);
    const batch = batches.find(fits);
    if (batch) batch.push(k);
    else batches.push([k]);
  }
  return batches;
}

/** Every Flux Kustomization reached from the roots, level by level, each built once. */
async function renderTree(
  roots: FluxKustomization[],
  root: string,
  work: string,
  kubectl: string,
  failed: string[],
): Promise<Rendered[]> {
  const seen = new Set(roots.map(fluxKustomizationKey));
  const out: Rendered[] = [];
  let n = 0;
  // the roots' GitRepository is this repository; a Kustomization of another source is not
  const sourcesOfRoots = new Set(roots.map((k) => k.source).filter((x) => x !== ''));
  const ours = (k: FluxKustomization) =>
    k.source.startsWith('GitRepository/') &&
    (sourcesOfRoots.size === 0 || sourcesOfRoots.has(k.source));
  const elsewhere: string[] = [];
  const shadow = new ShadowRepository(root, join(work, 'repository'));
  const build = async (batch: FluxKustomization[], from = root): Promise<Rendered[]> => {
    const dir = join(work, String(n++));
    let text;
    try {
      text = await buildFluxKustomizations(batch, from, dir, kubectl);
    } catch (e) {
      if (!(e instanceof InputError) || e.message.includes('not on PATH')) throw e;
      // one failing Kustomization fails its batch: build them alone to know which
      if (batch.length > 1) return (await Promise.all(batch.map((k) => build([k], from)))).flat();
      const missing = /open (\S+?): no such file or directory/.exec(e.message)?.[1];
      const provided = missing === undefined ? undefined : shadow.provide(missing);
      if (provided !== undefined) {
        failed.push(
          `${describe(batch[0] as FluxKustomization)}: ${provided} is not in the checkout (kustomize-controller fails without it); read with that file empty`,
        );
        return build(batch, shadow.copy);
      }
      // kustomize-controller fails this one Kustomization and goes on with the others
      failed.push(`${e.message.replace(/; fix the kustomization$/, '')}; its objects are not read`);
      return [];
    }
    return splitBatch(text, batch, dir, (f) => shadow.original(f));
  };
  for (let level = roots; level.length > 0;) {
    const batches = planBatches(level);
    const rendered: Rendered[] = [];
    for (let i = 0; i < batches.length; i += availableParallelism())
      rendered.push(
        ...(
          await Promise.all(batches.slice(i, i + availableParallelism()).map((b) => build(b)))
        ).flat(),
      );
    out.push(...rendered);
    level = [];
    for (const r of rendered)
      for (const d of r.docs) {
        const child = childKustomization(r, d);
        if (!child || seen.has(fluxKustomizationKey(child))) continue;
        seen.add(fluxKustomizationKey(child));
        if (ours(child)) level.push(child);
        else elsewhere.push(`${fluxKustomizationKey(child)} (${child.source})`);
      }
  }
  if (elsewhere.length > 0)
    failed.push(
      `${elsewhere.length === 1 ? '1 Kustomization takes its' : `${elsewhere.length} Kustomizations take their`} manifests from another source, not rendered: ${elsewhere.sort().join(', ')}`,
    );
  return out.sort((a, b) => textOrder(fluxKustomizationKey(a.k), fluxKustomizationKey(b.k)));
}

/**
 * The variables of mover templates whose value a substituteFrom source that cannot be read may
 * set in the cluster (the template's default, or nothing, stood in). One unknown per set of
 * sources, with the movers it concerns.
 */
function unknownVariables(
  unreadableOf: ReadonlyMap<string, string[]>,
  objects: KubeObject[],
): Unknown[] {
  const groups = new Map<
    string,
    { vars: Set<string>; kustomizations: Set<string>; objects: Set<string> }
  >();
  for (const o of objects) {
    const via = o.origin?.via;
    if (!moverKinds.has(o.kind) || via === undefined) continue;
    const open = (o.origin?.variables ?? []).filter((v) => v.open === true);
    if (open.length === 0) continue;
    const key = (unreadableOf.get(via) ?? []).join('; ');
    const g = groups.get(key) ?? { vars: new Set(), kustomizations: new Set(), objects: new Set() };
    for (const v of open) g.vars.add(v.name);
    g.kustomizations.add(via);
    g.objects.add(objectKey(o));
    groups.set(key, g);
  }
  return [...groups].map(([sources, g]) => ({
    what: `postBuild variables ${[...g.vars].sort().join(', ')} of ${g.kustomizations.size} Kustomization${g.kustomizations.size === 1 ? '' : 's'}`,
    reason: `the templates' defaults were used, but substituteFrom ${sources}, and may set them`,
    dependsOn: 'that source in the cluster',
    about: [...g.objects],
  }));
}
