import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { load } from 'js-yaml';
import {
  asArray,
  asString,
  asStringMap,
  isObject,
  path,
  type Json,
} from '../../../core/k8s/json.js';
import { objectKey, type KubeObject, type Origin } from '../../../core/k8s/object.js';
import type { UnusedVariable } from '../../../core/repository-facts.js';
import { privilegedMoversKey } from '../../../core/volsync/privileged.js';
import { InputError } from '../../../errors.js';
import { keepObject } from '../../keep-object.js';
import { readYamlDocs } from '../yaml-events.js';
import {
  substitute,
  SubstitutionError,
  substitutionDisabled,
  substitutionRuns,
} from './envsubst.js';
import { batchMarker, describe } from './kustomize-build.js';
import {
  fluxKustomizationKey,
  isFluxKustomization,
  readFluxKustomization,
  type FluxKustomization,
} from './flux-kustomization.js';
import type { SourceLines } from './source-lines.js';
import type { VariableSources } from './variables.js';

const originKey = 'config.kubernetes.io/origin';
const transformationsKey = 'alpha.config.kubernetes.io/transformations';

/** One document of a kustomize build: its text (what Flux substitutes) and its value before. */
export interface RenderedDoc {
  text: string;
  value: Json | undefined;
}

export interface Rendered {
  k: FluxKustomization;
  /** Where the build ran: origin paths are relative to it. */
  buildDir: string;
  /** The kustomization written for `k` (its spec.patches are configured there). */
  wrapper: string;
  /** A file of the build as the repository's own (the build may have read a shadow copy). */
  original: (file: string) => string;
  docs: RenderedDoc[];
}

/** A batch's output split back per Kustomization: kustomize writes one `---` document per object. */
export function splitBatch(
  stream: string,
  batch: FluxKustomization[],
  buildDir: string,
  original: (file: string) => string,
): Rendered[] {
  const out = batch.map((k, i): Rendered => ({
    k,
    buildDir,
    wrapper: join(buildDir, String(i), 'kustomization.yaml'),
    original,
    docs: [],
  }));
  for (const text of stream.split(/^---\n/m)) {
    if (text.trim() === '') continue;
    const value = parse(text);
    const i = Number(asString(path(value, 'metadata', 'annotations', batchMarker)));
    const annotations = path(value, 'metadata', 'annotations');
    if (isObject(annotations)) Reflect.deleteProperty(annotations, batchMarker);
    out[i]?.docs.push({ text, value });
  }
  return out;
}

function parse(text: string): Json | undefined {
  const v = readYamlDocs(text)[0]?.value;
  return isObject(v) ? v : undefined;
}

/** The template file an object came from (its origin annotation), else the Kustomization's file. */
function sourceFile(r: Rendered, v: Json): string | undefined {
  const origin = asString(path(v, 'metadata', 'annotations', originKey));
  const p = origin === undefined ? undefined : asString(path(load(origin), 'path'));
  return p === undefined ? undefined : r.original(resolve(r.buildDir, p));
}

/** A Flux Kustomization in a build's output: the next one the cluster reconciles. */
export function childKustomization(r: Rendered, d: RenderedDoc): FluxKustomization | undefined {
  if (!d.value || !isFluxKustomization(d.value)) return undefined;
  const file = sourceFile(r, d.value);
  const origin: Origin = { file: file ?? r.k.origin.file, line: 1 };
  // a child's spec may use its parent's inline variables; substituteFrom is read later
  const vars = new Map(Object.entries(r.k.substitute));
  let v: Json | undefined = d.value;
  if (vars.size > 0)
    try {
      v = parse(substitute(d.text, vars).text);
    } catch (e) {
      if (!(e instanceof SubstitutionError)) throw e;
    }
  return v ? readFluxKustomization(v, origin, r.k.targetNamespace ?? r.k.namespace) : undefined;
}

/** What one Kustomization's build gives: its objects, and what it tells about the repository. */
export interface RenderedObjects {
  objects: KubeObject[];
  warnings: string[];
  /** Its substituteFrom sources that cannot be read. */
  unreadable: string[];
  unusedVariables: UnusedVariable[];
  /** Every repository file its objects came from. */
  files: string[];
}

/**
 * The objects of one build as Flux applies them: substituted with the Kustomization's variables
 * (unless the object opts out), build annotations removed, each located at its template, and a
 * privileged-movers key added by a patch located at that patch.
 */
export function renderedObjects(
  r: Rendered,
  sources: VariableSources,
  lines: SourceLines,
  shownAs: (file: string) => string,
): RenderedObjects {
  const { vars, unknownKeys, unreadable, from, missing } = sources.variablesOf(r.k);
  // a source that cannot be read still defines variables in the cluster
  const runs = substitutionRuns(vars.size + unreadable.length, r.k.substituteStrategy);
  // strict substitution (kustomize-controller's default since v1.9) fails on an unset variable
  // without a default, unless a source that cannot be read may set it
  const strict = unreadable.length === 0;
  const out: RenderedObjects = {
    objects: [],
    warnings: [],
    unreadable,
    unusedVariables: [],
    files: [],
  };
  const used = new Set<string>();
  const substituted: (Json | undefined)[] = [];
  const variablesOf: Origin['variables'][] = [];
  for (const d of r.docs) {
    const disabled =
      !d.value ||
      substitutionDisabled(
        asStringMap(path(d.value, 'metadata', 'labels')),
        asStringMap(path(d.value, 'metadata', 'annotations')),
      );
    if (!runs || disabled) {
      substituted.push(d.value);
      variablesOf.push(undefined);
      continue;
    }
    try {
      const result = substitute(d.text, vars, { strict, unknown: unknownKeys });
      for (const name of result.used) used.add(name);
      substituted.push(parse(result.text));
      variablesOf.push(
        result.used.map((name) => ({
          name,
          ...((unknownKeys.has(name) || (missing && !vars.has(name))) && { open: true }),
          from: unknownKeys.has(name)
            ? `${from.get(name) ?? 'a source'}, not readable${result.defaulted.includes(name) ? ': the default in the template is used' : ''}`
            : result.defaulted.includes(name)
              ? 'default in the template'
              : vars.has(name)
                ? (from.get(name) ?? 'postBuild')
                : unreadable.length > 0
                  ? 'not set here; may come from a source that cannot be read'
                  : 'not set: empty',
        })),
      );
    } catch (e) {
      if (!(e instanceof SubstitutionError)) throw e;
      const what = `${asString(d.value?.['kind']) ?? ''} ${asString(path(d.value, 'metadata', 'name')) ?? ''}`;
      out.warnings.push(
        `${describe(r.k)}: ${what}: ${e.message}; kustomize-controller fails this Kustomization, its objects are not read`,
      );
      return { ...out, objects: [] };
    }
  }
  r.docs.forEach((d, i) => {
    const value = substituted[i];
    if (!d.value || !value || isFluxKustomization(d.value)) return;
    const file = sourceFile(r, d.value);
    if (file) out.files.push(file);
    const origin: Origin = file
      ? {
          file: shownAs(file),
          line: lines.documentLine(
            file,
            asString(d.value['kind']) ?? '',
            asString(path(d.value, 'metadata', 'name')) ?? '',
          ),
        }
      : { ...r.k.origin, file: shownAs(r.k.origin.file) };
    origin.via = fluxKustomizationKey(r.k);
    if (file && d.value['kind'] === 'Namespace') {
      const at = renderingKustomization(r, d.value, file);
      if (at)
        origin.patchAt = {
          file: shownAs(at),
          name: lines.templateName(
            file,
            'Namespace',
            asString(path(d.value, 'metadata', 'name')) ?? '',
          ),
        };
    }
    const variables = variablesOf[i];
    if (variables && variables.length > 0) origin.variables = variables;
    const patched = patchedPrivilegedKeys(r, d.value, file, lines, shownAs);
    const annotations = path(value, 'metadata', 'annotations');
    if (isObject(annotations)) {
      Reflect.deleteProperty(annotations, originKey);
      Reflect.deleteProperty(annotations, transformationsKey);
    }
    let o;
    try {
      o = keepObject(value, origin);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      out.warnings.push(`${describe(r.k)}: ${e.message}`);
      return;
    }
    if (!o) return;
    if (patched.length > 0) o.fieldOrigins = patched;
    out.objects.push(o);
  });
  const objects = out.objects.map((o) =>
    objectKey({
      ...o,
      metadata: {
        ...o.metadata,
        namespace: o.metadata.namespace ?? r.k.targetNamespace ?? 'default',
      },
    }),
  );
  for (const [variable, value] of Object.entries(r.k.substitute))
    if (runs && !used.has(variable))
      out.unusedVariables.push({
        kustomization: fluxKustomizationKey(r.k),
        variable,
        value,
        origin: {
          file: shownAs(r.k.origin.file),
          line: lines.lineOf(r.k.origin.file, ` ${variable}:`) ?? r.k.origin.line,
        },
        unset: [...used].filter((n) => !vars.has(n) && !unknownKeys.has(n)).sort(),
        objects,
      });
  return out;
}

/**
 * The repository files whose kustomize transformers touched an object, in the order they ran. What
 * the wrapper applies (targetNamespace, spec.patches, commonMetadata) is written in the Flux
 * Kustomization's own file.
 */
function touchedBy(r: Rendered, v: Json): { file: string; by: string }[] {
  return asArray(
    load(asString(path(v, 'metadata', 'annotations', transformationsKey)) ?? '[]'),
  ).flatMap((t) => {
    const configuredIn = asString(path(t, 'configuredIn'));
    if (configuredIn === undefined) return [];
    const at = resolve(r.buildDir, configuredIn);
    const file =
      at === r.wrapper
        ? r.k.origin.file
        : at.startsWith(r.buildDir + sep)
          ? undefined
          : r.original(at);
    return file === undefined
      ? []
      : [{ file, by: asString(path(t, 'configuredBy', 'kind')) ?? '' }];
  });
}

/**
 * The kustomization of the repository that renders a Namespace, where a patch to it belongs: the
 * one whose `namespace:` names it, else the last that patched it, else the template's own.
 */
function renderingKustomization(r: Rendered, v: Json, file: string): string | undefined {
  const touched = touchedBy(r, v);
  const own = join(dirname(file), 'kustomization.yaml');
  return (
    touched.find((t) => t.by === 'NamespaceTransformer')?.file ??
    touched[touched.length - 1]?.file ??
    (existsSync(own) ? own : undefined)
  );
}

/**
 * The privileged-movers annotation (or label) of an object whose template does not write it: the
 * last file whose transformers touched the object and that names the key wrote it.
 */
function patchedPrivilegedKeys(
  r: Rendered,
  v: Json,
  file: string | undefined,
  lines: SourceLines,
  shownAs: (file: string) => string,
): { field: string[]; origin: Origin }[] {
  const out: { field: string[]; origin: Origin }[] = [];
  for (const part of ['annotations', 'labels'])
    if (asStringMap(path(v, 'metadata', part))[privilegedMoversKey] !== undefined) {
      const template =
        file &&
        lines.templateValue(
          file,
          asString(v['kind']) ?? '',
          asString(path(v, 'metadata', 'name')) ?? '',
        );
      if (asStringMap(path(template, 'metadata', part))[privilegedMoversKey] !== undefined)
        continue;
      for (const f of touchedBy(r, v)
        .map((t) => t.file)
        .reverse()) {
        const line = lines.lineOf(f, 'privileged-movers');
        if (line === undefined) continue;
        out.push({
          field: ['metadata', part, privilegedMoversKey],
          origin: { file: shownAs(f), line },
        });
        break;
      }
    }
  return out;
}
