import { asString, asStringMap, isObject, path, type Json } from '../../../core/k8s/json.js';
import { resolveSubstituteVars, type VarSource } from './envsubst.js';
import type { FluxKustomization } from './flux-kustomization.js';

type Sourced = VarSource & { from: string };

/** A ConfigMap or Secret of the repository that substituteFrom may name. */
interface VariableSource {
  values: Record<string, string>;
  /** SOPS-encrypted: its keys are known, its values are not. */
  encrypted: boolean;
}

/** ConfigMaps and Secrets rendered anywhere in the repository, by `Kind/namespace/name`. */
export class VariableSources {
  private readonly sources = new Map<string, VariableSource>();

  add(v: Json, namespace: string): void {
    const kind = v['kind'];
    if ((kind !== 'ConfigMap' && kind !== 'Secret') || v['apiVersion'] !== 'v1') return;
    const name = asString(path(v, 'metadata', 'name'));
    if (name === undefined) return;
    const values = { ...asStringMap(v['data']) };
    if (kind === 'Secret')
      for (const [k, b64] of Object.entries(values))
        values[k] = Buffer.from(b64, 'base64').toString('utf8');
    Object.assign(values, asStringMap(v['stringData']));
    const ns = asString(path(v, 'metadata', 'namespace')) ?? namespace;
    this.sources.set(`${kind}/${ns}/${name}`, { values, encrypted: isObject(v['sops']) });
  }

  /**
   * The variables of `k` as kustomize-controller merges them: each substituteFrom source in order,
   * then postBuild.substitute. A source that is not in the repository (made by an operator) or is
   * SOPS-encrypted leaves what it would set unknown; an optional one that is missing is skipped.
   */
  variablesOf(k: FluxKustomization): {
    vars: Map<string, string>;
    unknownKeys: Set<string>;
    unreadable: string[];
    /** Where each variable's value comes from (the last source that sets it). */
    from: Map<string, string>;
    /** A source is not in the repository: it may set any variable. */
    missing: boolean;
  } {
    const unreadable: string[] = [];
    let missing = false;
    const from: Sourced[] = k.substituteFrom.flatMap((ref): Sourced[] => {
      const source = this.sources.get(`${ref.kind}/${k.namespace}/${ref.name}`);
      if (!source) {
        if (!ref.optional) {
          unreadable.push(`${ref.kind} ${ref.name} is not in the repository`);
          missing = true;
        }
        return [];
      }
      const from = `${ref.kind} ${ref.name}`;
      if (source.encrypted) {
        unreadable.push(`${from} is SOPS-encrypted`);
        return [{ values: new Map(), unknown: new Set(Object.keys(source.values)), from }];
      }
      return [{ values: new Map(Object.entries(source.values)), from }];
    });
    const inline: Sourced = {
      values: new Map(Object.entries(k.substitute)),
      from: 'postBuild.substitute',
    };
    const { vars, unknown } = resolveSubstituteVars([...from, inline]);
    const origins = new Map<string, string>();
    for (const source of [...from, inline])
      for (const name of [...source.values.keys(), ...(source.unknown ?? [])])
        origins.set(name, source.from);
    return {
      vars,
      unknownKeys: unknown,
      unreadable,
      from: origins,
      missing,
    };
  }
}
