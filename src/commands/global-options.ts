import { isDnsLabel } from '../core/k8s/names.js';
import { InputError, UsageError } from '../errors.js';
import { makePaint, type Paint } from '../render/color.js';
import type { ConnectionFlags } from '../adapters/cluster/kubeconfig.js';
import type { Deps } from './deps.js';

export interface GlobalArgs {
  kubeconfig?: string;
  context: string[];
  'all-contexts': boolean;
  cluster?: string;
  user?: string;
  as?: string;
  'request-timeout': string;
  'volsync-namespace'?: string;
  'server-dry-run': boolean;
  namespace?: string;
  'all-namespaces': boolean;
  output: string;
  color: string;
  filename: string[];
  kustomize?: string;
  flux?: string;
  'flux-root'?: string;
  demo: boolean;
  'image-user': string[];
  'nfs-squash': string[];
  'volsync-version'?: string;
  'kopiur-version'?: string;
  offline: boolean;
  'insecure-registry': string[];
  platform: string;
  'require-image': boolean;
  'use-credential-helpers': boolean;
  'use-pull-secrets': boolean;
  v: number;
  'exit-code': boolean;
  'fail-on': string;
}

/** --color auto|always|never; NO_COLOR (non-empty) and TERM=dumb turn auto off (ecosystem §3.6). */
/** The kubeconfig flags of a run (its first --context), as loadTarget takes them. */
export function connectionFlags(a: GlobalArgs): ConnectionFlags {
  return {
    ...(a.kubeconfig !== undefined && { kubeconfig: a.kubeconfig }),
    ...(a.context[0] !== undefined && { context: a.context[0] }),
    ...(a.cluster !== undefined && { cluster: a.cluster }),
    ...(a.user !== undefined && { user: a.user }),
    ...(a.as !== undefined && { as: a.as }),
    ...(a.namespace !== undefined && { namespace: a.namespace }),
  };
}

export function colorEnabled(a: GlobalArgs, deps: Deps): boolean {
  if (a.color === 'always') return true;
  if (a.color === 'never') return false;
  const noColor = (deps.env['NO_COLOR'] ?? '') !== '' || deps.env['TERM'] === 'dumb';
  return !noColor && deps.stdout.isTTY === true;
}

export const resolvePaint = (a: GlobalArgs, deps: Deps): Paint => makePaint(colorEnabled(a, deps));

export function validateOutput(output: string, allowed: string[]): void {
  if (!allowed.includes(output))
    throw new UsageError(
      `--output ${JSON.stringify(output)}: unknown format; use one of ${allowed.join(', ')}`,
    );
}

/** A namespace from -n, ns/NAME or the kubeconfig, checked before it reaches an API path. */
export function checkNamespace(ns: string): string {
  if (!isDnsLabel(ns))
    throw new InputError(
      `namespace ${JSON.stringify(ns)}: invalid name; use an RFC 1123 label (lower-case letters, digits, '-')`,
    );
  return ns;
}
