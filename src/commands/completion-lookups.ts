import { KubeClient, type ResourceType } from '../adapters/cluster/client.js';
import {
  kubeconfigContexts,
  loadTarget,
  type ConnectionFlags,
} from '../adapters/cluster/kubeconfig.js';
import type { Lookups } from './complete-words.js';
import type { Deps } from './deps.js';

/** A shell waits for completion: one attempt, two seconds, then nothing. */
const timeoutMs = 2000;

const volsync = { group: 'volsync.backube', version: 'v1alpha1' };
const types: Record<string, ResourceType> = {
  rs: { ...volsync, plural: 'replicationsources' },
  rd: { ...volsync, plural: 'replicationdestinations' },
  kopiamaintenance: { ...volsync, plural: 'kopiamaintenances' },
  pvc: { group: '', version: 'v1', plural: 'persistentvolumeclaims' },
  pod: { group: '', version: 'v1', plural: 'pods' },
  job: { group: 'batch', version: 'v1', plural: 'jobs' },
  cronjob: { group: 'batch', version: 'v1', plural: 'cronjobs' },
  deploy: { group: 'apps', version: 'v1', plural: 'deployments' },
  sts: { group: 'apps', version: 'v1', plural: 'statefulsets' },
  ds: { group: 'apps', version: 'v1', plural: 'daemonsets' },
};
const namespaces: ResourceType = { group: '', version: 'v1', plural: 'namespaces' };

/** The kubeconfig flags among the words typed so far, as the command would read them. */
function connection(words: string[]): ConnectionFlags {
  const flags: Record<string, string> = {};
  words.forEach((w, i) => {
    const m = /^--?(kubeconfig|context|cluster|user|namespace|n)(?:=(.*))?$/.exec(w);
    const value = m?.[2] ?? words[i + 1];
    if (m?.[1] && value !== undefined) flags[m[1] === 'n' ? 'namespace' : m[1]] = value;
  });
  return flags;
}

/** Names from the cluster of the kubeconfig (with the typed --context and friends). */
export function clusterLookups(words: string[], deps: Deps): Lookups {
  const flags = connection(words);
  const client = () =>
    new KubeClient(loadTarget(flags, deps.env), { timeoutMs, attempts: 1, pageSize: 500 });
  const names = async (r: ResourceType, namespace?: string) =>
    (await client().list(r, namespace === undefined ? {} : { namespace }))
      .map((o) => (o['metadata'] as { name?: string } | undefined)?.name)
      .filter((n): n is string => typeof n === 'string')
      .sort();
  return {
    namespaces: () => names(namespaces),
    names: async (type, namespace) => {
      const r = types[type];
      if (!r) return [];
      return names(r, namespace ?? loadTarget(flags, deps.env).namespace);
    },
    contexts: () => {
      try {
        return kubeconfigContexts(flags, deps.env);
      } catch {
        return [];
      }
    },
  };
}
