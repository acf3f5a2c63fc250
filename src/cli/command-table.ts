import type { AnnotateArgs } from '../commands/annotate.js';
import type { AuditArgs } from '../commands/audit.js';
import type { EffectiveUidArgs } from '../commands/effective-uid.js';
import type { ExplainArgs } from '../commands/explain.js';
import type { FixJobArgs } from '../commands/fix-job.js';
import type { RenderArgs } from '../commands/render.js';
import type { ServeArgs } from '../commands/serve.js';
import type { GlobalArgs } from '../commands/global-options.js';
import type { TuiArgs } from '../commands/tui.js';
import { policyApiFlag } from '../commands/policy-api-flag.js';
import type { CommandSpec } from './option-table.js';

// The parsers fill every declared flag (defaults included): a command's args type is the shape of
// its table, hence the casts in `run`.

const explain: CommandSpec = {
  name: 'explain',
  describe: 'Every mover of a namespace: its effective identity, why, and what it breaks',
  positional: {
    name: 'target',
    describe: 'ns/NAME or NAME (default: -n, else "default")',
    completes: 'ns',
  },
  options: {
    'diff-against': {
      type: 'string',
      describe:
        'With --flux, -k or -f: list only the movers whose identity differs from the same sources at this git ref (the pull-request view)',
    },
    'what-if': {
      type: 'string',
      choices: ['migrate-kopiur'],
      describe:
        'migrate-kopiur: each VolSync mover today beside the kopiur object `kubectl kopiur migrate volsync` makes of it, and what that breaks',
    },
  },
  examples: [
    [
      'kubectl volsync-perms explain ns/default',
      "The movers of namespace default in the current context's cluster",
    ],
    ['kubectl volsync-perms explain ns/default --demo', 'The incident: five kopia movers at UID 0'],
    ['kubectl volsync-perms explain -A -f ./rendered/', 'Every namespace of a manifest tree'],
    [
      'kubectl volsync-perms explain -A -k ./cluster --exit-code -o sarif',
      'A CI gate with code-scanning output',
    ],
    [
      'kubectl volsync-perms explain -A --flux kubernetes/ --diff-against origin/main',
      'Which movers a pull request to a Flux repository changes',
    ],
    [
      'kubectl volsync-perms explain ns/default --demo --what-if migrate-kopiur',
      'What moving the incident to kopiur would run each mover as, and what it breaks',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/explain.js')).runExplain(a as unknown as ExplainArgs, deps),
};

const effectiveUid: CommandSpec = {
  name: 'effective-uid',
  describe:
    'One mover, Pod or workload, layer by layer: image, pod, container, volsync or kopiur, admission, runtime',
  positional: {
    name: 'target',
    describe:
      'TYPE/NAME: rs, rd, kopiamaintenance; kopiur snapshotpolicy, snapshot, restore, maintenance, clusterrepository, repository (its managed maintenance); pod, job, cronjob, deployment, statefulset, daemonset',
    completes: 'ref',
  },
  options: {},
  examples: [
    [
      'kubectl volsync-perms effective-uid rd/bookstack-dst -n default',
      'One mover of the current cluster, layer by layer',
    ],
    [
      'kubectl volsync-perms effective-uid rs/bookstack --demo',
      'Why the bookstack mover runs as UID 0',
    ],
    [
      'kubectl volsync-perms effective-uid snapshotpolicy/sonarr -n media -f ./kopiur',
      'A kopiur mover: its ladder, the UID it pins, the gate',
    ],
    [
      'kubectl volsync-perms effective-uid deploy/app -n media -f app.yaml -o json',
      'Any workload, as JSON',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/effective-uid.js')).runEffectiveUid(
      a as unknown as EffectiveUidArgs,
      deps,
    ),
};

const render: CommandSpec = {
  name: 'render',
  describe:
    'The workloads VolSync creates for a mover, as its version builds them: every field identity depends on',
  positional: {
    name: 'target',
    describe:
      'rs/NAME, rd/NAME or kopiamaintenance/NAME; ns/NAME or NAME for every VolSync object of a namespace (default: -n, else "default")',
    completes: 'ref',
  },
  options: {
    'diff-live': {
      type: 'boolean',
      default: false,
      describe:
        'On a live cluster: the diff of each predicted workload with the one VolSync created (exit 1 when they differ)',
    },
  },
  examples: [
    [
      'kubectl volsync-perms render rs/bookstack --demo',
      "The incident's Job, as VolSync fork-v0.17.7 builds it",
    ],
    [
      'kubectl volsync-perms render -A -k ./cluster --volsync-version upstream-v0.16.0',
      'Every mover of a kustomize tree, for the reviewer of a pull request',
    ],
    [
      'kubectl volsync-perms render ns/media --diff-live',
      'What changed the Jobs of a namespace after VolSync built them',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/render.js')).runRender(a as unknown as RenderArgs, deps),
};

const fixJob: CommandSpec = {
  name: 'fix-job',
  describe: 'A least-privileged Job that gives a volume back its intended owner, previewed first',
  positional: {
    name: 'target',
    describe:
      'rs/NAME or rd/NAME (a mover: its volume and moverSecurityContext owner), pvc/NAME, or sts/NAME or deploy/NAME (every claim of the workload, stopped for the repair)',
    completes: 'ref',
  },
  options: {
    volume: {
      type: 'string',
      choices: ['data', 'repository', 'cache'],
      describe:
        "Which volume of the mover: its data PVC, kopia's filesystem repository, or its cache",
    },
    uid: { type: 'number', describe: 'The owner UID (required with pvc/NAME)' },
    gid: { type: 'number', describe: 'The owner GID (required with pvc/NAME)' },
    'only-uid': {
      type: 'number',
      describe: 'Change only files owned by this UID (e.g. 0: what a root mover wrote)',
    },
    image: {
      type: 'string',
      describe: 'Image to run the repair in (default: the VolSync mover image the cluster uses)',
    },
    'from-audit': {
      type: 'string',
      describe:
        'A saved audit log of the volume (kubectl volsync-perms audit): change exactly the classes of files it found with another owner',
    },
    mode: {
      type: 'string',
      describe:
        "Where the NFS export squashes root: run as the files' owner and chmod them with this symbolic mode (e.g. g+rX), giving them the group",
    },
    deadline: {
      type: 'string',
      default: '1h',
      describe: "The Job's activeDeadlineSeconds, as a duration",
    },
    apply: {
      type: 'boolean',
      default: false,
      describe: 'Create the Job (default: print what would be created)',
    },
    count: {
      type: 'boolean',
      default: false,
      describe:
        'Run a read-only Job (volume mounted read-only, DAC_OVERRIDE only) that counts the files --apply would change, then delete it',
    },
    wait: {
      type: 'boolean',
      default: false,
      describe: 'With --apply: wait for the Job, print its summary, then delete it',
    },
    timeout: {
      type: 'string',
      default: '0',
      describe: "With --wait: give up after this long (0: the Job's deadline plus a minute)",
    },
    'relax-psa': {
      type: 'boolean',
      default: false,
      describe:
        "With --apply --wait or --count: set Pod Security enforce=baseline on a stricter namespace for the Job's lifetime, then restore it",
    },
  },
  examples: [
    [
      'kubectl volsync-perms fix-job rs/bookstack --volume repository --only-uid 0 --demo',
      'Preview the repair of what a root mover wrote to a kopia repository',
    ],
    [
      'kubectl volsync-perms fix-job pvc/data --uid 1000 --gid 1000 -n media -o yaml',
      'The Job alone, to commit or pipe to kubectl apply -f -',
    ],
    [
      'kubectl volsync-perms fix-job rs/app -n media --apply --wait --relax-psa',
      'Run it, with Pod Security relaxed to baseline for its lifetime',
    ],
    [
      'kubectl volsync-perms fix-job sts/postgres --uid 999 --gid 999 -n db --apply',
      'Scale a StatefulSet to 0, repair every claim it mounts, scale it back',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/fix-job.js')).runFixJob(a as unknown as FixJobArgs, deps),
};

const audit: CommandSpec = {
  name: 'audit',
  describe:
    'What is on a volume: owners and modes of its files, who can read and write them next, which runs wrote them',
  positional: {
    name: 'target',
    describe: 'rs/NAME, rd/NAME, kopiamaintenance/NAME (their volume, see --volume) or pvc/NAME',
    completes: 'ref',
  },
  options: {
    volume: {
      type: 'string',
      choices: ['data', 'repository', 'cache'],
      describe:
        "Which volume of the mover: its data PVC (default), kopia's filesystem repository, or its cache",
    },
    run: {
      type: 'boolean',
      default: false,
      describe:
        'Create the read-only audit Job, wait for it, print the audit and delete the Job (default: print the Job)',
    },
    probe: {
      type: 'boolean',
      default: false,
      describe:
        "With --run: measure the NFS export's squashing (one file created as UID 0 and as the root's owner in the volume root, then removed)",
    },
    'run-as': {
      type: 'string',
      describe:
        'UID:GID: walk as this identity without capabilities (Pod Security restricted); what it cannot read is reported',
    },
    'from-log': {
      type: 'string',
      describe:
        'Read a saved audit log (kubectl logs job/NAME > FILE; - for stdin) instead of running one',
    },
    image: {
      type: 'string',
      describe:
        'Image to run the audit in (default: the VolSync mover image the cluster uses; it needs perl)',
    },
    deadline: {
      type: 'string',
      default: '1h',
      describe: "The Job's activeDeadlineSeconds, as a duration",
    },
    timeout: {
      type: 'string',
      default: '0',
      describe: "With --run: give up after this long (0: the Job's deadline plus a minute)",
    },
  },
  examples: [
    [
      'kubectl volsync-perms audit rs/bookstack --volume repository -n default',
      'Preview the read-only Job that audits a kopia repository',
    ],
    [
      'kubectl volsync-perms audit rs/bookstack --volume repository --run --probe',
      "Run it, measuring the NFS export's squash mode",
    ],
    [
      'kubectl volsync-perms audit rs/bookstack --volume repository --from-log audit.log --demo',
      'Read a saved audit again, offline',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/audit.js')).runAudit(a as unknown as AuditArgs, deps),
};

const annotate: CommandSpec = {
  name: 'annotate',
  describe: 'Grant or remove privileged movers on a namespace, with every mover before and after',
  positional: { name: 'target', describe: 'The namespace: ns/NAME or NAME', completes: 'ns' },
  options: {
    privileged: {
      type: 'boolean',
      describe: 'Set volsync.backube/privileged-movers=true; --privileged=false removes it',
    },
    scoped: {
      type: 'string',
      array: true,
      default: [],
      describe:
        'The movers the privilege is for (rs/NAME,rd/NAME); others sharing the namespace keep their identity through an admission policy, or the change is refused',
    },
    'all-movers': {
      type: 'boolean',
      default: false,
      describe: 'With --apply: the change may alter every mover of the namespace',
    },
    'prune-stale-grants': {
      type: 'boolean',
      default: false,
      describe:
        'With --privileged=false --apply: delete the per-mover Roles that keep the SCC grant (VolSync recreates them without it)',
    },
    'deny-others': {
      type: 'boolean',
      default: false,
      describe:
        'With --scoped, where the cluster has no MutatingAdmissionPolicy: reject the privileged pods of the other movers (ValidatingAdmissionPolicy) instead of refusing',
    },
    'policy-api': {
      type: 'string',
      choices: Object.keys(policyApiFlag),
      describe:
        'With -f/-k/--demo: the MutatingAdmissionPolicy version the target cluster serves (v1, v1beta1, none); discovered on a live cluster',
    },
    apply: {
      type: 'boolean',
      default: false,
      describe: 'Write the change (default: print what would change)',
    },
  },
  examples: [
    [
      'kubectl volsync-perms annotate ns/default --privileged --demo',
      'Who else a namespace-wide grant makes root',
    ],
    [
      'kubectl volsync-perms annotate ns/backup-root --privileged --scoped rs/structurizr --apply',
      'Grant it to the one mover of a namespace, and record that scope',
    ],
    [
      'kubectl volsync-perms annotate ns/default --privileged=false --all-movers --prune-stale-grants --apply',
      'Remove the grant and the SCC rules VolSync leaves behind',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/annotate.js')).runAnnotate(a as unknown as AnnotateArgs, deps),
};

const tui: CommandSpec = {
  name: 'tui',
  describe:
    'Browse namespaces and movers interactively, with what-ifs (also: no command on a terminal)',
  positional: {
    name: 'target',
    describe: 'ns/NAME to open first (default: the list of namespaces)',
    completes: 'ns',
  },
  options: {},
  examples: [
    ['kubectl volsync-perms tui --demo', 'The incident, interactively'],
    ['kubectl volsync-perms tui ns/media --flux kubernetes/', 'A namespace of a Flux repository'],
  ],
  run: async (a, deps) =>
    (await import('../commands/tui.js')).runTuiCommand(a as unknown as TuiArgs, deps),
};

const version: CommandSpec = {
  name: 'version',
  describe: 'Print the plugin version',
  options: {},
  examples: [],
  run: async (a, deps) =>
    Promise.resolve(
      (await import('../commands/version.js')).runVersion(a as unknown as GlobalArgs, deps),
    ),
};

const completion: CommandSpec = {
  name: 'completion',
  describe:
    'Print the shell completion script: bash, zsh, fish, or kubectl (kubectl_complete-volsync_perms)',
  positional: { name: 'shell', describe: 'bash, zsh, fish, kubectl' },
  options: {},
  examples: [
    [
      'kubectl volsync-perms completion bash > /etc/bash_completion.d/kubectl-volsync_perms',
      'bash',
    ],
    [
      'kubectl volsync-perms completion kubectl > ~/.krew/bin/kubectl_complete-volsync_perms && chmod +x ~/.krew/bin/kubectl_complete-volsync_perms',
      'Completion of `kubectl volsync-perms ...` (kubectl >= 1.26)',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/completion.js')).runCompletion(
      a['shell'] as string | undefined,
      deps,
    ),
};

const serve: CommandSpec = {
  name: 'serve',
  describe:
    'Watch the cluster and serve every mover identity and finding as Prometheus metrics (/metrics, /healthz, /readyz)',
  options: {
    listen: {
      type: 'string',
      default: '127.0.0.1:9713',
      describe: 'Where to serve: HOST:PORT, :PORT (every interface, as in a Deployment) or PORT',
    },
    events: {
      type: 'boolean',
      default: false,
      describe:
        'Write a Kubernetes Event on the VolSync object of each finding that appears or clears (needs create on events: deploy/events)',
    },
  },
  examples: [
    ['kubectl volsync-perms serve', 'Serve http://127.0.0.1:9713/metrics for the current context'],
    [
      'kubectl volsync-perms serve --listen :9713 --offline',
      'In a Deployment (deploy/), without registry reads',
    ],
  ],
  run: async (a, deps) =>
    (await import('../commands/serve.js')).runServe(a as unknown as ServeArgs, deps),
};

/** Every command, in the order help lists them. */
export const commandTable: readonly CommandSpec[] = [
  explain,
  effectiveUid,
  render,
  fixJob,
  audit,
  annotate,
  tui,
  serve,
  version,
  completion,
];
