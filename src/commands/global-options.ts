import type { Argv } from 'yargs';
import { isDnsLabel } from '../core/k8s/names.js';
import { InputError, UsageError } from '../errors.js';
import { makePaint, type Paint } from '../render/color.js';
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
  demo: boolean;
  'image-user': string[];
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

/** kubectl's flag names and shorthands (ecosystem §3.3), plus the offline sources. */
export function globalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('kubeconfig', {
      type: 'string',
      describe:
        'Path to the kubeconfig file (default: KUBECONFIG, merged as kubectl does, else ~/.kube/config)',
      group: 'Cluster:',
    })
    .option('context', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'The kubeconfig context to use; repeat it to scan several clusters (explain)',
      group: 'Cluster:',
    })
    .option('all-contexts', {
      type: 'boolean',
      default: false,
      describe: 'Scan every context of the kubeconfig concurrently (explain)',
      group: 'Cluster:',
    })
    .option('cluster', {
      type: 'string',
      describe: "The kubeconfig cluster to use instead of the context's",
      group: 'Cluster:',
    })
    .option('user', {
      type: 'string',
      describe: "The kubeconfig user to use instead of the context's",
      group: 'Cluster:',
    })
    .option('as', {
      type: 'string',
      describe: 'Username to impersonate for every request',
      group: 'Cluster:',
    })
    .option('request-timeout', {
      type: 'string',
      default: '30s',
      describe: 'Per request, after retries end the run with exit 4 (30s, 1m; 0 = no timeout)',
      group: 'Cluster:',
    })
    .option('server-dry-run', {
      type: 'boolean',
      default: false,
      describe:
        'Create each predicted mover pod with dryRun=All: what the API server admits (Pod Security, SCC, webhooks, policies) becomes the admission layer',
      group: 'Cluster:',
    })
    .option('volsync-namespace', {
      type: 'string',
      describe:
        'Namespace of the VolSync controller (default: found by its labels in any namespace)',
      group: 'Cluster:',
    })
    .option('namespace', {
      alias: 'n',
      type: 'string',
      describe: 'Namespace scope (default: the context\'s namespace, else "default")',
      group: 'Scope:',
    })
    .option('all-namespaces', {
      alias: 'A',
      type: 'boolean',
      default: false,
      describe: 'All namespaces; -n is ignored',
      group: 'Scope:',
    })
    .option('filename', {
      alias: 'f',
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'Manifest file or directory (recursive), or - for stdin; repeatable',
      group: 'Sources:',
    })
    .option('kustomize', {
      alias: 'k',
      type: 'string',
      describe: 'Kustomization directory, rendered with kubectl kustomize',
      group: 'Sources:',
    })
    .option('demo', {
      type: 'boolean',
      default: false,
      describe: 'Use the embedded demo (the incident of the design notes)',
      group: 'Sources:',
    })
    .option('image-user', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'IMAGE=USER[:GROUP]: the config User of an image (repository alone matches any tag); repeatable',
      group: 'Sources:',
    })
    .option('offline', {
      type: 'boolean',
      default: false,
      describe: 'Never contact an image registry: the image cache and the built-in table only',
      group: 'Images:',
    })
    .option('insecure-registry', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'HOST[:PORT] to reach over plain HTTP (loopback registries always are); repeatable',
      group: 'Images:',
    })
    .option('platform', {
      type: 'string',
      default: 'linux/amd64',
      describe: 'OS/ARCH[/VARIANT] picked from multi-arch images',
      group: 'Images:',
    })
    .option('use-credential-helpers', {
      type: 'boolean',
      default: false,
      describe:
        'Run the docker credential helpers (credHelpers, credsStore) of ~/.docker/config.json',
      group: 'Images:',
    })
    .option('use-pull-secrets', {
      type: 'boolean',
      default: false,
      describe:
        "Pull with the image pull secrets of the movers' ServiceAccounts and pods (reads Secrets)",
      group: 'Images:',
    })
    .option('require-image', {
      type: 'boolean',
      default: false,
      describe: 'Exit 5 when an image cannot be read from its registry (default: reported unknown)',
      group: 'Images:',
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      default: 'table',
      describe: 'Output format: table, wide, json, yaml (explain also: sarif)',
      group: 'Output:',
    })
    .option('color', {
      type: 'string',
      default: 'auto',
      choices: ['auto', 'always', 'never'],
      describe: 'Colour: auto (TTY and no NO_COLOR), always, never; the flag wins over NO_COLOR',
      group: 'Output:',
    })
    .option('exit-code', {
      type: 'boolean',
      default: false,
      describe: 'Exit 1 when a finding is at or above --fail-on',
      group: 'Output:',
    })
    .option('fail-on', {
      type: 'string',
      default: 'error',
      choices: ['warning', 'error'],
      describe: 'Severity that --exit-code fails on',
      group: 'Output:',
    })
    .option('v', {
      type: 'count',
      describe: 'More detail on stderr: the cause chain of errors, requests per resource',
      group: 'Output:',
    });
}

/** --color auto|always|never; NO_COLOR (non-empty) and TERM=dumb turn auto off (ecosystem §3.6). */
export function resolvePaint(a: GlobalArgs, deps: Deps): Paint {
  if (a.color === 'always') return makePaint(true);
  if (a.color === 'never') return makePaint(false);
  const noColor = (deps.env['NO_COLOR'] ?? '') !== '' || deps.env['TERM'] === 'dumb';
  return makePaint(!noColor && deps.stdout.isTTY === true);
}

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
