// Flux kustomize-controller's post-build variable substitution: fluxcd/pkg kustomize
// (kustomize_varsub.go, v1.44.0) feeds each built resource's YAML to fluxcd/pkg envsubst
// (v1.9.0).
import { fromBytes, toBytes } from './envsubst-bytes.js';
import {
  lower,
  lowerFirst,
  replace,
  substring,
  trim,
  upper,
  upperFirst,
} from './envsubst-funcs.js';
import { parseTemplate, SubstitutionError, type Expansion, type Part } from './envsubst-parse.js';

export { SubstitutionError } from './envsubst-parse.js';

export interface SubstitutionResult {
  text: string;
  /** every variable name the text referenced, in order of first use */
  used: string[];
  /** names referenced but not defined, or unknown (resolved to default or "") */
  missing: string[];
  /** names whose value came from a default in the text (`${V:=1000}` with V unset or empty) */
  defaulted: string[];
}

export interface SubstituteOptions {
  /** kustomize-controller's StrictPostBuildSubstitutions feature gate, on by default since v1.9. */
  strict?: boolean;
  /** Names defined with a value that cannot be read, such as a key of a SOPS-encrypted Secret. */
  unknown?: ReadonlySet<string>;
}

/** A variable source: a ConfigMap's data, a Secret's decoded data, or postBuild.substitute. */
export interface VarSource {
  values: ReadonlyMap<string, string>;
  /** Keys whose values cannot be read. */
  unknown?: ReadonlySet<string>;
}

/** The label or annotation with which a resource opts out of substitution. */
export const SUBSTITUTE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';

const VAR_NAME_RULE = '^[_[:alpha:]][_[:alpha:][:digit:]]*$';
// Go's POSIX classes are ASCII
const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;

/** Whether Flux accepts `name` as a variable name (kustomize_varsub.go's varsubRegex). */
export function isValidVarName(name: string): boolean {
  return VAR_NAME.test(name);
}

/** Whether a resource opts out: its SUBSTITUTE_KEY label or annotation is "disabled". */
export function substitutionDisabled(
  labels: Readonly<Record<string, string>> | undefined,
  annotations: Readonly<Record<string, string>> | undefined,
): boolean {
  return labels?.[SUBSTITUTE_KEY] === 'disabled' || annotations?.[SUBSTITUTE_KEY] === 'disabled';
}

/**
 * Whether kustomize-controller substitutes at all, given a Kustomization with spec.postBuild: only
 * when a variable is defined (readable or not), unless postBuild.substituteStrategy is Always.
 */
export function substitutionRuns(variableCount: number, substituteStrategy?: string): boolean {
  return variableCount > 0 || substituteStrategy === 'Always';
}

/**
 * The variables Flux substitutes with, from `sources` in the order it reads them (the
 * substituteFrom entries, then postBuild.substitute): a later source overrides an earlier one,
 * and every value loses its newlines.
 */
export function resolveSubstituteVars(sources: readonly VarSource[]): {
  vars: Map<string, string>;
  unknown: Set<string>;
} {
  const vars = new Map<string, string>();
  const unknown = new Set<string>();
  for (const source of sources) {
    for (const [name, value] of source.values) {
      vars.set(name, value.replaceAll('\n', ''));
      unknown.delete(name);
    }
    for (const name of source.unknown ?? []) {
      vars.delete(name);
      unknown.add(name);
    }
  }
  return { vars, unknown };
}

/**
 * Substitutes `vars` into one resource's YAML text as Flux does, or throws SubstitutionError where
 * Flux fails the build. Only `${...}` expands (bash-like operators, see envsubst-parse.ts) and
 * `$$` becomes `$`. A name in `unknown` counts as undefined even if `vars` has it, so a default
 * in the text applies, but strict mode does not fail on it: Flux would have its value.
 */
export function substitute(
  text: string,
  vars: ReadonlyMap<string, string>,
  opts: SubstituteOptions = {},
): SubstitutionResult {
  const unknown = opts.unknown ?? new Set<string>();
  for (const name of [...vars.keys(), ...unknown]) {
    if (!isValidVarName(name))
      throw new SubstitutionError(
        `variable "${name}": invalid name, must match ${VAR_NAME_RULE}; ` +
          'rename it where postBuild defines it',
        `'${name}' var name is invalid, must match '${VAR_NAME_RULE}'`,
        name,
      );
  }
  if (!text.includes('$')) return { text, used: [], missing: [], defaulted: [] };

  const parts = parseTemplate(text);
  const known = (name: string) => vars.has(name) && !unknown.has(name);
  const source = (e: Expansion) => text.slice(e.start, e.end);
  const defaulted = new Set<string>();

  const evaluate = (part: Part): string =>
    typeof part === 'string' ? toBytes(part) : expand(part);
  const expand = (e: Expansion): string => {
    // envsubst evaluates the words before it looks the variable up
    const args = e.args.map(evaluate);
    if (opts.strict && e.kind !== 'default' && !vars.has(e.name) && !unknown.has(e.name))
      throw new SubstitutionError(
        `${source(e)}: variable "${e.name}" is not set (strict mode); ` +
          `define it in postBuild, or give a default: \${${e.name}:=value}`,
        `variable not set (strict mode): "${e.name}"`,
        e.name,
      );
    const value = known(e.name) ? toBytes(vars.get(e.name) ?? '') : '';
    if (e.kind === 'default' && value === '' && args.length > 0) defaulted.add(e.name);
    const out = apply(e, value, args);
    if (out === undefined)
      throw new SubstitutionError(
        `${source(e)}: substring bounds out of range, on which Flux's envsubst panics; ` +
          'use a smaller length',
        'slice bounds out of range',
        e.name,
      );
    return out;
  };

  const pieces = parts.map(evaluate);
  const result = fromBytes(pieces.join(''));
  if (result === undefined) {
    const broken = parts.find(
      (p, i) => typeof p !== 'string' && fromBytes(pieces[i] ?? '') === undefined,
    );
    const where = broken && typeof broken !== 'string' ? `${source(broken)}: ` : '';
    throw new SubstitutionError(
      `${where}the substituted text is not UTF-8 (an offset cuts a multi-byte character), ` +
        'which Flux fails to read as YAML',
      'invalid UTF-8',
    );
  }
  const used = [...new Set(parts.flatMap(namesIn))];
  return {
    text: result,
    used,
    missing: used.filter((name) => !known(name)),
    defaulted: used.filter((name) => defaulted.has(name)),
  };
}

function namesIn(part: Part): string[] {
  return typeof part === 'string' ? [] : [part.name, ...part.args.flatMap(namesIn)];
}

function apply(e: Expansion, value: string, args: string[]): string | undefined {
  switch (e.kind) {
    case 'value':
      return value;
    // `=`, `:=`, `:-`, `:?` and `:+` all mean "the words if the value is empty"
    case 'default':
      return value === '' && args.length > 0 ? args.join('') : value;
    case 'length':
      return String(value.length);
    case 'upperFirst':
      return upperFirst(value);
    case 'upper':
      return upper(value);
    case 'lowerFirst':
      return lowerFirst(value);
    case 'lower':
      return lower(value);
    case 'substring':
      return substring(value, args);
    case 'replaceFirst':
    case 'replaceAll':
    case 'replacePrefix':
    case 'replaceSuffix':
      return replace(e.kind, value, args);
    case 'trimShortestPrefix':
    case 'trimLongestPrefix':
    case 'trimShortestSuffix':
    case 'trimLongestSuffix':
      return trim(e.kind, value, args[0] ?? '');
  }
}
