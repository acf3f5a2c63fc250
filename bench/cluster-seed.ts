// The 2,000 namespaces x 10 movers the cluster benchmarks create on the real kube-apiserver.
import type { ApiServer } from '../test/integration/harness/kube-api.js';
import { applyObject } from '../test/integration/harness/kube-api.js';

export function mover(ns: string, i: number) {
  const source = i % 2 === 0;
  const name = `app-${i}`;
  const m = ['kopia', 'restic', 'rclone', 'rsyncTLS'][Math.floor(i / 2) % 4] ?? 'restic';
  const where =
    m === 'rclone'
      ? { rcloneConfig: `${name}-secret`, rcloneDestPath: `b/${name}` }
      : { repository: `${name}-secret` };
  const sc = { moverSecurityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 } };
  return {
    apiVersion: 'volsync.backube/v1alpha1',
    kind: source ? 'ReplicationSource' : 'ReplicationDestination',
    metadata: { name, namespace: ns },
    spec: source
      ? { sourcePVC: name, trigger: { schedule: '0 * * * *' }, [m]: { ...where, ...sc } }
      : { [m]: { ...where, ...sc, destinationPVC: name, copyMethod: 'Direct' } },
  };
}

export async function pool<T>(items: T[], limit: number, f: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await f(items[next++] as T);
    }),
  );
}

/** NAMESPACES namespaces `ns-0000`... with MOVERS movers each; returns the namespace names. */
export async function seedMovers(
  cp: ApiServer,
  namespaces: number,
  movers: number,
): Promise<string[]> {
  const seeded = performance.now();
  const names = Array.from({ length: namespaces }, (_, n) => `ns-${String(n).padStart(4, '0')}`);
  await pool(names, 16, (ns) =>
    applyObject(cp, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never),
  );
  const all = names.flatMap((ns) => Array.from({ length: movers }, (_, i) => mover(ns, i)));
  await pool(all, 16, (m) => applyObject(cp, m as never));
  console.log(
    `seeded ${namespaces} ns x ${movers} movers in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );
  return names;
}
