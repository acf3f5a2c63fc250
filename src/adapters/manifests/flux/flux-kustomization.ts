import {
  asArray,
  asString,
  asStringMap,
  isObject,
  path,
  type Json,
} from '../../../core/k8s/json.js';
import type { Origin } from '../../../core/k8s/object.js';
import { InputError } from '../../../errors.js';

/** A Flux Kustomization (kustomize.toolkit.fluxcd.io v1/v1beta2): what kustomize-controller renders. */
export interface FluxKustomization {
  name: string;
  namespace: string;
  /** spec.path, relative to the root of its GitRepository. */
  path: string;
  targetNamespace?: string;
  /** Kustomize components, relative to `path`. */
  components: string[];
  patches: { patch: string; target?: Json }[];
  commonMetadata?: { labels: Record<string, string>; annotations: Record<string, string> };
  /** postBuild.substitute. */
  substitute: Record<string, string>;
  /** postBuild.substituteStrategy: `Always` substitutes even without variables. */
  substituteStrategy?: string;
  /** postBuild.substituteFrom, in order: later sources override earlier ones. */
  substituteFrom: { kind: 'ConfigMap' | 'Secret'; name: string; optional: boolean }[];
  /** spec.sourceRef as `Kind/name`: another source than the repository's is not rendered. */
  source: string;
  /** The file (absolute) and line it is written at. */
  origin: Origin;
}

export const fluxKustomizationKey = (k: { namespace: string; name: string }) =>
  `${k.namespace}/${k.name}`;

export function isFluxKustomization(v: Json): boolean {
  return (
    v['kind'] === 'Kustomization' &&
    typeof v['apiVersion'] === 'string' &&
    v['apiVersion'].startsWith('kustomize.toolkit.fluxcd.io/')
  );
}

/** Reads the fields rendering needs; a Kustomization without spec.path is refused by Flux too. */
export function readFluxKustomization(
  v: Json,
  origin: Origin,
  defaultNamespace = 'flux-system',
): FluxKustomization {
  const name = asString(path(v, 'metadata', 'name')) ?? '';
  const where = `${origin.file}:${origin.line}: Kustomization ${name}`;
  const spec = isObject(v['spec']) ? v['spec'] : {};
  const p = asString(spec['path']);
  if (p === undefined)
    throw new InputError(`${where}: no spec.path; set the path of the manifests in the repository`);
  const meta = spec['commonMetadata'];
  const targetNamespace = asString(spec['targetNamespace']);
  return {
    name,
    namespace: asString(path(v, 'metadata', 'namespace')) ?? defaultNamespace,
    path: p,
    ...(targetNamespace !== undefined && targetNamespace !== '' && { targetNamespace }),
    components: asArray(spec['components']).filter((c): c is string => typeof c === 'string'),
    patches: asArray(spec['patches']).flatMap((x) =>
      isObject(x) && typeof x['patch'] === 'string'
        ? [{ patch: x['patch'], ...(isObject(x['target']) && { target: x['target'] }) }]
        : [],
    ),
    ...(isObject(meta) && {
      commonMetadata: {
        labels: asStringMap(meta['labels']),
        annotations: asStringMap(meta['annotations']),
      },
    }),
    substitute: asStringMap(path(spec, 'postBuild', 'substitute')),
    ...(typeof path(spec, 'postBuild', 'substituteStrategy') === 'string' && {
      substituteStrategy: path(spec, 'postBuild', 'substituteStrategy') as string,
    }),
    substituteFrom: asArray(path(spec, 'postBuild', 'substituteFrom')).flatMap((s) => {
      const kind = asString(path(s, 'kind'));
      const ref = asString(path(s, 'name'));
      if ((kind !== 'ConfigMap' && kind !== 'Secret') || ref === undefined) return [];
      return [{ kind, name: ref, optional: path(s, 'optional') === true }];
    }),
    source: `${asString(path(spec, 'sourceRef', 'kind')) ?? 'GitRepository'}/${asString(path(spec, 'sourceRef', 'name')) ?? ''}`,
    origin,
  };
}
