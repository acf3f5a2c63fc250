import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { InputError } from '../../../errors.js';
import type { FluxKustomization } from './flux-kustomization.js';
import { textOrder } from '../../../core/text-order.js';

const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
export const hasKustomizationFile = (dir: string) =>
  kustomizationFiles.some((f) => existsSync(join(dir, f)));

/**
 * What kustomize-controller lists when spec.path has no kustomization file: every .yaml/.yml file
 * below it, except that a directory holding a kustomization file is listed itself and not entered
 * (fluxcd/pkg kustomize_generator.go, generateKustomization).
 */
export function findGeneratedResources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    textOrder(a.name, b.name),
  )) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (hasKustomizationFile(p)) out.push(p);
      else out.push(...findGeneratedResources(p));
    } else if (['.yaml', '.yml'].includes(extname(e.name))) out.push(p);
  }
  return out;
}

/** Marks each object of a batched build with the Flux Kustomization it belongs to. */
export const batchMarker = 'volsync-perms.io/flux-kustomization';

/**
 * The kustomization kustomize-controller would build for `k`, as a wrapper around the one at its
 * path: Flux writes targetNamespace, patches, components and commonMetadata into that
 * kustomization, which kustomize applies the same way one level up.
 */
function wrapperText(
  k: FluxKustomization,
  wrapperDir: string,
  innerDir: string,
  pathDir: string,
  marker: string,
) {
  const rel = (p: string) => relative(wrapperDir, p) || '.';
  const w: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [rel(innerDir)],
  };
  if (k.targetNamespace !== undefined) w['namespace'] = k.targetNamespace;
  if (k.components.length > 0) w['components'] = k.components.map((c) => rel(resolve(pathDir, c)));
  if (k.patches.length > 0) w['patches'] = k.patches;
  if (k.commonMetadata && Object.keys(k.commonMetadata.labels).length > 0)
    w['labels'] = [{ pairs: k.commonMetadata.labels }];
  w['commonAnnotations'] = { ...k.commonMetadata?.annotations, [batchMarker]: marker };
  return dump(w);
}

/** Writes the wrapper of `k` (and the kustomization Flux generates when its path has none) in `dir`. */
async function writeWrapper(k: FluxKustomization, root: string, dir: string, marker: string) {
  const pathDir = resolve(root, k.path);
  if (!existsSync(pathDir) || !statSync(pathDir).isDirectory())
    throw new InputError(
      `${describe(k)}: spec.path ${k.path} is not a directory under ${root}; fix the path, or pass the repository root with --flux-root`,
    );
  let innerDir = pathDir;
  if (!hasKustomizationFile(pathDir)) {
    innerDir = join(dir, 'generated');
    await mkdir(innerDir, { recursive: true });
    const resources = findGeneratedResources(pathDir).map((p) => relative(innerDir, p));
    await writeFile(join(innerDir, 'kustomization.yaml'), dump({ resources }));
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'kustomization.yaml'), wrapperText(k, dir, innerDir, pathDir, marker));
}

export const describe = (k: FluxKustomization) => `Kustomization ${k.namespace}/${k.name}`;

/**
 * Builds Flux Kustomizations as kustomize-controller would before substitution, several in one
 * run of the real `kubectl kustomize` (each run costs ~65 ms of kubectl start): each in a wrapper
 * of its own under `work`, whose objects carry `batchMarker` = its index. The build metadata
 * records each object's source file and the kustomizations whose patches touched it, relative to
 * `work`. Kustomizations whose objects would collide before substitution (two apps of a namespace
 * instantiating one component) must go to different batches.
 */
export async function buildFluxKustomizations(
  ks: FluxKustomization[],
  root: string,
  work: string,
  kubectl: string,
): Promise<string> {
  for (const [i, k] of ks.entries()) await writeWrapper(k, root, join(work, String(i)), String(i));
  await writeFile(
    join(work, 'kustomization.yaml'),
    dump({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      buildMetadata: ['originAnnotations', 'transformerAnnotations'],
      resources: ks.map((_, i) => String(i)),
    }),
  );
  return runKustomize(
    work,
    ks.length === 1 && ks[0] ? describe(ks[0]) : `${ks.length} Kustomizations`,
    kubectl,
  );
}

function runKustomize(dir: string, where: string, kubectl: string): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(
      kubectl,
      ['kustomize', '--load-restrictor=LoadRestrictionsNone', dir],
      { maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) ok(stdout);
        else if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          fail(
            new InputError(
              `--flux: kubectl is not on PATH; install kubectl (it renders the kustomizations)`,
            ),
          );
        else
          fail(
            new InputError(
              `${where}: kubectl kustomize failed: ${(stderr.trim().split('\n')[0] ?? err.message).replace(/^E\d+ [\d:.]+\s+\d+ \S+\] /, '')}; fix the kustomization`,
            ),
          );
      },
    );
  });
}
