import { KubeClient } from '../adapters/cluster/client.js';
import { loadTarget } from '../adapters/cluster/kubeconfig.js';
import { readServerDryRuns } from '../adapters/cluster/dry-run.js';
import { readPullSecrets } from '../adapters/cluster/pull-secrets.js';
import { readClusterSnapshot } from '../adapters/cluster/read-cluster.js';
import type { Auths } from '../adapters/registry/auth.js';
import type { Snapshot } from '../core/snapshot.js';
import { predictMoverPods } from '../core/report/predicted-pods.js';
import type { ImageFacts } from '../core/identity/image.js';
import { defaultMoverImages, knownImages } from '../core/identity/known-images.js';
import type { Deps } from './deps.js';
import { connectionFlags, type GlobalArgs } from './global-options.js';
import { parseRequestTimeout } from './request-timeout.js';
import type { Source } from './source.js';
import { textOrder } from '../core/text-order.js';

/** The live cluster of the kubeconfig as a source; warnings and `-v` figures go to stderr. */
/** A cluster source also reads pull secrets, for the registry reads (--use-pull-secrets). */
export interface ClusterSource extends Source {
  /** Adds an unknown to the snapshot for each refused read; the credentials stay in memory. */
  pullSecrets(snapshot: Snapshot): Promise<Auths[]>;
  /** The client the reads use, for commands that then write (fix-job --apply). */
  client: KubeClient;
}

export function openClusterSource(
  a: GlobalArgs,
  deps: Deps,
  imageFacts: ImageFacts[],
  /** Prefixes stderr lines when several clusters are read at once. */
  label?: string,
  /** `always` for annotate, which must find its policies even where the scope record is gone. */
  scopePolicies: 'always' | 'when-scoped' = 'when-scoped',
): ClusterSource {
  const prefix = label === undefined ? '' : `context ${label}: `;
  const target = loadTarget(connectionFlags(a), deps.env);
  const client = new KubeClient(target, { timeoutMs: parseRequestTimeout(a['request-timeout']) });
  return {
    client,
    pullSecrets: async (snapshot) => {
      const { auths, unknowns } = await readPullSecrets(client, snapshot);
      snapshot.unknowns.push(...unknowns);
      return auths;
    },
    defaultNamespace: target.namespace,
    read: async (scope) => {
      const { snapshot, forbidden } = await readClusterSnapshot(client, scope, {
        ...(a['volsync-namespace'] !== undefined && { volsyncNamespace: a['volsync-namespace'] }),
        imageFacts,
        builtInImages: knownImages,
        chartImages: defaultMoverImages,
        scopePolicies,
      });
      if (a['server-dry-run']) {
        const dry = await readServerDryRuns(client, predictMoverPods(snapshot, scope));
        snapshot.serverDryRun = dry.results;
        snapshot.unknowns.push(...dry.unknowns);
        forbidden.push(...dry.forbidden);
      }
      if (forbidden.length > 0) {
        const named = forbidden.slice(0, 3).map((f) => f.permission);
        const more = forbidden.length > 3 ? `, and ${forbidden.length - 3} more` : '';
        deps.stderr.write(
          `warning: ${prefix}RBAC forbids ${forbidden.length} read${forbidden.length === 1 ? '' : 's'} (${named.join('; ')}${more}): what depends on them is reported as unknown, with the permission that fixes it\n`,
        );
      }
      if (a.v > 0) deps.stderr.write(`I ${prefix}protocol: ${client.protocol}\n`);
      if (a.v > 0)
        for (const [what, s] of [...client.stats].sort(([x], [y]) => textOrder(x, y)))
          deps.stderr.write(
            `I ${prefix}${what}: ${s.requests} request${s.requests === 1 ? '' : 's'}, ${s.items} items, ${Math.round(s.ms)} ms\n`,
          );
      return snapshot;
    },
  };
}
