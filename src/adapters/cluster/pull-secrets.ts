import type { Unknown } from '../../core/identity/unknown.js';
import { asArray, asString, path } from '../../core/k8s/json.js';
import type { Snapshot } from '../../core/snapshot.js';
import { resolvePullSources } from '../../core/report/pull-sources.js';
import type { Auths } from '../registry/auth.js';
import type { KubeClient } from './client.js';
import { ForbiddenError } from './errors.js';

function decode(secret: Record<string, unknown>): Auths | undefined {
  const data = path(secret, 'data');
  const json = asString(path(data, '.dockerconfigjson'));
  const legacy = asString(path(data, '.dockercfg'));
  try {
    if (json)
      return (JSON.parse(Buffer.from(json, 'base64').toString('utf8')) as { auths?: Auths }).auths;
    if (legacy) return JSON.parse(Buffer.from(legacy, 'base64').toString('utf8')) as Auths;
  } catch {
    return undefined; // not a docker config: the secret is not usable for pulls
  }
  return undefined;
}

/**
 * `--use-pull-secrets`: the image pull secrets of the movers' ServiceAccounts and of the pods, read
 * from the cluster (get serviceaccounts, get secrets). The credentials stay in memory; a refused
 * read is an unknown naming the permission.
 */
export async function readPullSecrets(
  client: KubeClient,
  snapshot: Snapshot,
): Promise<{ auths: Auths[]; unknowns: Unknown[] }> {
  const { accounts, secrets } = resolvePullSources(snapshot);
  const unknowns: Unknown[] = [];
  const refused = (what: string, e: ForbiddenError) =>
    unknowns.push({
      what: `${what} (--use-pull-secrets)`,
      reason: `the server refused: ${e.serverMessage}`,
      dependsOn: `RBAC: ${e.permission}`,
    });
  for (const ref of [...accounts].sort()) {
    const [ns = '', name = ''] = ref.split('/');
    try {
      const sa = await client.get(
        `/api/v1/namespaces/${ns}/serviceaccounts/${name}`,
        `serviceaccounts`,
      );
      for (const s of asArray(path(sa, 'imagePullSecrets'))) {
        const secret = asString(path(s, 'name'));
        if (secret) secrets.add(`${ns}/${secret}`);
      }
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      refused(
        `ServiceAccount ${ref}`,
        new ForbiddenError('get', 'serviceaccounts', ns, e.serverMessage),
      );
    }
  }
  const auths: Auths[] = [];
  for (const ref of [...secrets].sort()) {
    const [ns = '', name = ''] = ref.split('/');
    try {
      const secret = await client.get(`/api/v1/namespaces/${ns}/secrets/${name}`, 'secrets');
      const decoded = secret && decode(secret);
      if (decoded) auths.push(decoded);
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      refused(`pull secret ${ref}`, new ForbiddenError('get', 'secrets', ns, e.serverMessage));
    }
  }
  return { auths, unknowns };
}
