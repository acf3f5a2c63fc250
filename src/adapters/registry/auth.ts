import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Credentials for one registry; never printed, never cached on disk. */
export type Credential =
  { kind: 'basic'; username: string; password: string } | { kind: 'identity-token'; token: string };

/** `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`. */
export interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  const scheme = m?.[1]?.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  for (const p of (m?.[2] ?? '').matchAll(/(\w+)="([^"]*)"/g))
    if (p[1] !== undefined && p[2] !== undefined) params[p[1].toLowerCase()] = p[2];
  return { scheme, params };
}

interface DockerConfig {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string }
  >;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Docker's config keys for Docker Hub are historical URLs; any of them means docker.io. */
const hubKeys = [
  'https://index.docker.io/v1/',
  'index.docker.io',
  'docker.io',
  'registry-1.docker.io',
];

/** The `auths` of a docker config: registry key → credential entry. */
export type Auths = NonNullable<DockerConfig['auths']>;

/**
 * The credential of `auths` (docker config.json, or a kubernetes.io/dockerconfigjson pull
 * secret) for a registry; Docker Hub also under its historical keys.
 */
export function credentialFromAuths(auths: Auths, registry: string): Credential | undefined {
  const keys =
    registry === 'docker.io' ? hubKeys : [registry, `https://${registry}`, `http://${registry}`];
  const entry = keys.map((k) => auths[k]).find((e) => e !== undefined);
  if (!entry) return undefined;
  if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return {
        kind: 'basic',
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
      };
  }
  if (entry.username !== undefined && entry.password !== undefined)
    return { kind: 'basic', username: entry.username, password: entry.password };
  return undefined;
}

/**
 * Credentials for a registry from `$DOCKER_CONFIG/config.json` (default ~/.docker) `auths`, as
 * `docker login` writes them; its credential helpers only with `useHelpers`.
 */
export function dockerConfigCredential(
  registry: string,
  env: Record<string, string | undefined>,
  useHelpers = false,
): Credential | undefined {
  const dir = env['DOCKER_CONFIG'] ?? (env['HOME'] ? join(env['HOME'], '.docker') : undefined);
  if (dir === undefined) return undefined;
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as DockerConfig;
  } catch {
    return undefined; // no config, or not JSON: anonymous, as docker does
  }
  const helper = config.credHelpers?.[registry] ?? config.credsStore;
  if (useHelpers && helper) return helperCredential(helper, registry, env);
  return credentialFromAuths(config.auths ?? {}, registry);
}

/**
 * `docker-credential-<helper> get` with the registry on stdin, as docker runs it; run only when
 * the user asked (--use-credential-helpers): a helper may prompt or unlock a keychain.
 */
function helperCredential(
  helper: string,
  registry: string,
  env: Record<string, string | undefined>,
): Credential | undefined {
  let out: string;
  try {
    out = execFileSync(`docker-credential-${helper}`, ['get'], {
      input: registry,
      env: env,
      timeout: 10_000,
      stdio: ['pipe', 'pipe', 'ignore'],
      encoding: 'utf8',
    });
  } catch {
    return undefined; // no such helper, or it knows no credential: anonymous
  }
  let got: { Username?: string; Secret?: string };
  try {
    got = JSON.parse(out) as { Username?: string; Secret?: string };
  } catch {
    return undefined;
  }
  if (!got.Secret) return undefined;
  return got.Username === '<token>'
    ? { kind: 'identity-token', token: got.Secret }
    : { kind: 'basic', username: got.Username ?? '', password: got.Secret };
}

export const basicHeader = (c: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
