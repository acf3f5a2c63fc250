import { isDnsSubdomain } from '../core/k8s/names.js';
import { InputError, UsageError } from '../errors.js';

/** kubectl's resource names and short names for the kinds a command can be pointed at. */
const kinds: Record<string, string> = {};
const alias = (kind: string, ...names: string[]) => {
  names.forEach((n) => (kinds[n] = kind));
};
alias(
  'ReplicationSource',
  'rs',
  'replicationsource',
  'replicationsources',
  'replicationsource.volsync.backube',
);
alias(
  'ReplicationDestination',
  'rd',
  'replicationdestination',
  'replicationdestinations',
  'replicationdestination.volsync.backube',
);
alias(
  'KopiaMaintenance',
  'kopiamaintenance',
  'kopiamaintenances',
  'kopiamaintenance.volsync.backube',
);
// kopiur's kinds (kopiur.home-operations.com; its CRDs declare no short names)
for (const [kind, plural] of [
  ['SnapshotPolicy', 'snapshotpolicies'],
  ['Snapshot', 'snapshots'],
  ['Restore', 'restores'],
  ['Maintenance', 'maintenances'],
  ['Repository', 'repositories'],
  ['ClusterRepository', 'clusterrepositories'],
] as const)
  alias(kind, kind.toLowerCase(), plural, `${kind.toLowerCase()}.kopiur.home-operations.com`);
alias('PersistentVolumeClaim', 'pvc', 'persistentvolumeclaim', 'persistentvolumeclaims');
alias('Pod', 'po', 'pod', 'pods');
alias('Job', 'job', 'jobs', 'job.batch');
alias('CronJob', 'cj', 'cronjob', 'cronjobs', 'cronjob.batch');
alias('Deployment', 'deploy', 'deployment', 'deployments', 'deployment.apps');
alias('StatefulSet', 'sts', 'statefulset', 'statefulsets', 'statefulset.apps');
alias('DaemonSet', 'ds', 'daemonset', 'daemonsets', 'daemonset.apps');

/**
 * `TYPE/NAME` as kubectl reads it, for one of the `allowed` kinds: a missing slash is a usage
 * error, an unknown type or invalid name invalid input. `types` says in the error what to use;
 * `flag` names the flag the value came from.
 */
export function parseResourceRef<K extends string>(
  target: string,
  allowed: readonly K[],
  types: string,
  flag?: string,
): { kind: K; name: string } {
  const at = flag === undefined ? '' : `${flag} `;
  const slash = target.indexOf('/');
  if (slash < 0)
    throw new UsageError(`${at}${JSON.stringify(target)}: expected TYPE/NAME, e.g. rs/${target}`);
  const type = target.slice(0, slash).toLowerCase();
  const name = target.slice(slash + 1);
  const kind = kinds[type] as K | undefined;
  if (kind === undefined || !allowed.includes(kind))
    throw new InputError(`${at}${JSON.stringify(type)}: unknown resource type; use ${types}`);
  if (!isDnsSubdomain(name))
    throw new InputError(
      `${at}${kind} ${JSON.stringify(name)}: invalid name; use lower-case letters, digits, '-' and '.' (RFC 1123)`,
    );
  return { kind, name };
}
