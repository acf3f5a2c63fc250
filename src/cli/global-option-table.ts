import type { OptionTable } from './option-table.js';

/** kubectl's flag names and shorthands (ecosystem §3.3), plus the offline sources. */
export const globalOptionTable: OptionTable = {
  kubeconfig: {
    type: 'string',
    describe:
      'Path to the kubeconfig file (default: KUBECONFIG, merged as kubectl does, else ~/.kube/config)',
    group: 'Cluster:',
  },
  context: {
    type: 'string',
    array: true,
    default: [],
    describe: 'The kubeconfig context to use; repeat it to scan several clusters (explain)',
    group: 'Cluster:',
  },
  'all-contexts': {
    type: 'boolean',
    default: false,
    describe: 'Scan every context of the kubeconfig concurrently (explain)',
    group: 'Cluster:',
  },
  cluster: {
    type: 'string',
    describe: "The kubeconfig cluster to use instead of the context's",
    group: 'Cluster:',
  },
  user: {
    type: 'string',
    describe: "The kubeconfig user to use instead of the context's",
    group: 'Cluster:',
  },
  as: { type: 'string', describe: 'Username to impersonate for every request', group: 'Cluster:' },
  'request-timeout': {
    type: 'string',
    default: '30s',
    describe: 'Per request, after retries end the run with exit 4 (30s, 1m; 0 = no timeout)',
    group: 'Cluster:',
  },
  'server-dry-run': {
    type: 'boolean',
    default: false,
    describe:
      'Create each predicted mover pod with dryRun=All: what the API server admits (Pod Security, SCC, webhooks, policies) becomes the admission layer',
    group: 'Cluster:',
  },
  'volsync-namespace': {
    type: 'string',
    describe: 'Namespace of the VolSync controller (default: found by its labels in any namespace)',
    group: 'Cluster:',
  },
  namespace: {
    short: 'n',
    type: 'string',
    describe: 'Namespace scope (default: the context\'s namespace, else "default")',
    group: 'Scope:',
  },
  'all-namespaces': {
    short: 'A',
    type: 'boolean',
    default: false,
    describe: 'All namespaces; -n is ignored',
    group: 'Scope:',
  },
  filename: {
    short: 'f',
    type: 'string',
    array: true,
    default: [],
    describe: 'Manifest file or directory (recursive), or - for stdin; repeatable',
    group: 'Sources:',
  },
  kustomize: {
    short: 'k',
    type: 'string',
    describe: 'Kustomization directory, rendered with kubectl kustomize',
    group: 'Sources:',
  },
  flux: {
    type: 'string',
    describe:
      'Flux repository directory (or a Flux Kustomization file): rendered as kustomize-controller would, substitutions included',
    group: 'Sources:',
  },
  'flux-root': {
    type: 'string',
    describe:
      'With --flux: the directory spec.path is relative to (default: found from the Kustomizations, else the .git directory)',
    group: 'Sources:',
  },
  demo: {
    type: 'boolean',
    default: false,
    describe: 'Use the embedded demo (the incident of the design notes)',
    group: 'Sources:',
  },
  'image-user': {
    type: 'string',
    array: true,
    default: [],
    describe:
      'IMAGE=USER[:GROUP]: the config User of an image (repository alone matches any tag); repeatable',
    group: 'Sources:',
  },
  'nfs-squash': {
    type: 'string',
    array: true,
    default: [],
    describe:
      'SERVER:PATH=root_squash|no_root_squash|all_squash[:ANONUID:ANONGID]: the squash option of an NFS export (covers the paths below it); repeatable',
    group: 'Sources:',
  },
  'volsync-version': {
    type: 'string',
    describe:
      'The VolSync that runs (upstream-v0.16.0, fork-v0.17.7, ...): its rules build the predictions; default: the controller read, else the newest supported',
    group: 'Sources:',
  },
  'kopiur-version': {
    type: 'string',
    describe:
      'The kopiur release that runs (0.10.8, 0.8.2, main, ...): its rules build the kopiur movers; default: the kopiur controller read, else the newest release',
    group: 'Sources:',
  },
  offline: {
    type: 'boolean',
    default: false,
    describe: 'Never contact an image registry: the image cache and the built-in table only',
    group: 'Images:',
  },
  'insecure-registry': {
    type: 'string',
    array: true,
    default: [],
    describe: 'HOST[:PORT] to reach over plain HTTP (loopback registries always are); repeatable',
    group: 'Images:',
  },
  platform: {
    type: 'string',
    default: 'linux/amd64',
    describe: 'OS/ARCH[/VARIANT] picked from multi-arch images',
    group: 'Images:',
  },
  'use-credential-helpers': {
    type: 'boolean',
    default: false,
    describe:
      'Run the docker credential helpers (credHelpers, credsStore) of ~/.docker/config.json',
    group: 'Images:',
  },
  'use-pull-secrets': {
    type: 'boolean',
    default: false,
    describe:
      "Pull with the image pull secrets of the movers' ServiceAccounts and pods (reads Secrets)",
    group: 'Images:',
  },
  'require-image': {
    type: 'boolean',
    default: false,
    describe: 'Exit 5 when an image cannot be read from its registry (default: reported unknown)',
    group: 'Images:',
  },
  output: {
    short: 'o',
    type: 'string',
    default: 'table',
    describe: 'Output format: table, wide, json, yaml (explain also: sarif)',
    group: 'Output:',
  },
  color: {
    type: 'string',
    default: 'auto',
    choices: ['auto', 'always', 'never'],
    describe: 'Colour: auto (TTY and no NO_COLOR), always, never; the flag wins over NO_COLOR',
    group: 'Output:',
  },
  'exit-code': {
    type: 'boolean',
    default: false,
    describe: 'Exit 1 when a finding is at or above --fail-on',
    group: 'Output:',
  },
  'fail-on': {
    type: 'string',
    default: 'error',
    choices: ['warning', 'error'],
    describe: 'Severity that --exit-code fails on',
    group: 'Output:',
  },
  v: {
    type: 'count',
    describe: 'More detail on stderr: the cause chain of errors, requests per resource',
    group: 'Output:',
  },
};
