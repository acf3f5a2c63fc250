import { mapBounded } from '../../bounded.js';
import type { Unknown } from '../../core/identity/unknown.js';
import type { PredictedPod } from '../../core/report/predicted-pods.js';
import type { ServerDryRun } from '../../core/snapshot.js';
import type { KubeClient } from './client.js';
import { ForbiddenError } from './errors.js';
import { textOrder } from '../../core/text-order.js';

/**
 * Asks the API server to admit each predicted mover pod with dryRun=All, a few at a time. A
 * namespace where the user may not create pods yields one unknown naming that permission.
 */
export async function readServerDryRuns(
  client: KubeClient,
  pods: PredictedPod[],
  concurrency = 6,
): Promise<{
  results: Record<string, ServerDryRun>;
  unknowns: Unknown[];
  forbidden: ForbiddenError[];
}> {
  const results: Record<string, ServerDryRun> = {};
  const refused = new Map<string, ForbiddenError>();
  await mapBounded(pods, concurrency, async (p) => {
    if (refused.has(p.namespace)) return;
    try {
      results[p.subject] = await client.dryRunPod(p.namespace, p.manifest);
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      refused.set(p.namespace, e);
    }
  });
  const forbidden = [...refused.values()].sort((a, b) => textOrder(a.permission, b.permission));
  return {
    results,
    forbidden,
    unknowns: forbidden.map((e) => ({
      what: `what the API server admits for the movers of namespace ${e.namespace ?? ''} (--server-dry-run)`,
      reason: `the server refused: ${e.serverMessage}; the Pod Security model decides instead`,
      dependsOn: `RBAC: ${e.permission}`,
    })),
  };
}
