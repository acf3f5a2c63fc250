import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
// config.js alone, not the package's index: that brings every generated API client as well
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { newClusters, newContexts, newUsers } from '@kubernetes/client-node/dist/config_types.js';
import { load } from 'js-yaml';
import { ClusterError } from './errors.js';

/** kubectl's connection flags (ecosystem §3.3). */
export interface ConnectionFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  as?: string;
  namespace?: string;
}

/** A resolved connection: the config client-node authenticates with, and what it points at. */
export interface ClusterTarget {
  kc: KubeConfig;
  context: string;
  server: string;
  /** `-n`, else the context's namespace, else `default`. */
  namespace: string;
}

type Named = { name?: unknown } & Record<string, unknown>;
interface RawConfig {
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  'current-context'?: string;
}

const inClusterToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads the kubeconfig as kubectl does: `--kubeconfig`, else every file of KUBECONFIG merged (the
 * first file that sets a name or the current context wins; missing files are skipped), else
 * ~/.kube/config, else the in-cluster service account.
 */
export function loadTarget(
  flags: ConnectionFlags,
  env: Record<string, string | undefined>,
): ClusterTarget {
  const files = kubeconfigFiles(flags, env);
  if (files.length === 0) {
    if (env['KUBERNETES_SERVICE_HOST'] && existsSync(inClusterToken)) return inCluster(flags);
    throw noKubeconfig();
  }
  const merged = mergeFiles(files);
  const contextName = flags.context ?? merged['current-context'];
  if (!contextName)
    throw new ClusterError(
      `kubeconfig ${files.join(delimiter)}: no current-context; pass --context NAME`,
    );
  const ctx = merged.contexts.find((c) => c.name === contextName);
  if (!ctx)
    throw new ClusterError(
      `context ${JSON.stringify(contextName)}: not in kubeconfig ${files.join(delimiter)}; use one of ${merged.contexts.map((c) => String(c.name)).join(', ') || '(none)'}`,
    );
  const body = { ...(ctx['context'] as Record<string, unknown> | undefined) };
  if (flags.cluster !== undefined) body['cluster'] = flags.cluster;
  if (flags.user !== undefined) body['user'] = flags.user;
  for (const [key, list] of [
    ['cluster', merged.clusters],
    ['user', merged.users],
  ] as const)
    if (body[key] !== undefined && !list.some((x) => x.name === body[key]))
      throw new ClusterError(
        `context ${contextName}: ${key} ${JSON.stringify(body[key])} is not in the kubeconfig; fix the context or pass --${key}`,
      );
  const users = merged.users.map((u) =>
    flags.as !== undefined && u.name === body['user']
      ? { ...u, user: { ...(u['user'] as object), as: flags.as } }
      : u,
  );
  const kc = new KubeConfig();
  // what loadFromString does once it has parsed the text: the objects are at hand, and writing
  // them out as YAML to be parsed again cost ~5 ms of every cluster run
  kc.loadFromOptions({
    clusters: newClusters(merged.clusters),
    users: newUsers(users),
    contexts: newContexts([{ name: contextName, context: body }]),
    currentContext: contextName,
  });
  const server = kc.getCurrentCluster()?.server;
  if (!server)
    throw new ClusterError(
      `context ${contextName}: its cluster has no server; fix the kubeconfig or pass --cluster`,
    );
  const ns = typeof body['namespace'] === 'string' ? body['namespace'] : undefined;
  return { kc, context: contextName, server, namespace: flags.namespace ?? ns ?? 'default' };
}

/** The context names of the kubeconfig kubectl would load, in file order (--all-contexts). */
export function kubeconfigContexts(
  flags: ConnectionFlags,
  env: Record<string, string | undefined>,
): string[] {
  const files = kubeconfigFiles(flags, env);
  if (files.length === 0) throw noKubeconfig();
  return mergeFiles(files).contexts.map((c) => String(c.name));
}

const noKubeconfig = () =>
  new ClusterError(
    'kubeconfig: none found (no --kubeconfig, KUBECONFIG or ~/.kube/config); point --kubeconfig at one, or pass -f/-k/--demo to read manifests',
  );

function kubeconfigFiles(flags: ConnectionFlags, env: Record<string, string | undefined>) {
  if (flags.kubeconfig !== undefined) {
    if (!existsSync(flags.kubeconfig))
      throw new ClusterError(`--kubeconfig ${flags.kubeconfig}: no such file; check the path`);
    return [flags.kubeconfig];
  }
  const list = env['KUBECONFIG'];
  if (list !== undefined && list !== '')
    return list.split(delimiter).filter((f) => f !== '' && existsSync(f));
  const home = env['HOME'] ?? env['USERPROFILE'];
  const def = home === undefined ? undefined : join(home, '.kube', 'config');
  return def !== undefined && existsSync(def) ? [def] : [];
}

/** kubectl's merge: first definition of each name wins, duplicates are not an error. */
function mergeFiles(files: string[]): RawConfig {
  const out: RawConfig = { clusters: [], users: [], contexts: [] };
  for (const file of files) {
    const raw = readConfig(file);
    for (const key of ['clusters', 'users', 'contexts'] as const)
      for (const entry of listOf(raw[key], file, key))
        if (!out[key].some((e) => e.name === entry.name))
          out[key].push(resolvePaths(entry, key, dirname(resolve(file))));
    const current = raw['current-context'];
    if (out['current-context'] === undefined && typeof current === 'string' && current !== '')
      out['current-context'] = current;
  }
  return out;
}

function readConfig(file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = load(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    throw new ClusterError(`kubeconfig ${file}: cannot read (${why}); fix the file`);
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ClusterError(`kubeconfig ${file}: not a kubeconfig mapping; fix the file`);
  return raw as Record<string, unknown>;
}

function listOf(v: unknown, file: string, key: string): Named[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'object' || e === null))
    throw new ClusterError(`kubeconfig ${file}: ${key} is not a list of entries; fix the file`);
  return v as Named[];
}

/** Relative file references in a kubeconfig are relative to that file, as kubectl resolves them. */
function resolvePaths(entry: Named, key: string, dir: string): Named {
  const fields: Record<string, string[]> = {
    clusters: ['certificate-authority'],
    users: ['client-certificate', 'client-key', 'tokenFile'],
    contexts: [],
  };
  const inner = entry[key.slice(0, -1)];
  if (typeof inner !== 'object' || inner === null) return entry;
  const copy: Record<string, unknown> = { ...(inner as Record<string, unknown>) };
  for (const f of fields[key] ?? []) {
    const v = copy[f];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) copy[f] = join(dir, v);
  }
  // kubectl's field is tokenFile; client-node reads token-file
  if (typeof copy['tokenFile'] === 'string' && copy['token-file'] === undefined)
    copy['token-file'] = copy['tokenFile'];
  const exec = copy['exec'] as { command?: unknown } | undefined;
  if (typeof exec?.command === 'string' && exec.command.includes('/') && !isAbsolute(exec.command))
    copy['exec'] = { ...exec, command: join(dir, exec.command) };
  return { ...entry, [key.slice(0, -1)]: copy };
}

function inCluster(flags: ConnectionFlags): ClusterTarget {
  const kc = new KubeConfig();
  kc.loadFromCluster();
  let ns = 'default';
  try {
    ns = readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim();
  } catch {
    // no namespace file: kubectl falls back to default too
  }
  const server = kc.getCurrentCluster()?.server ?? '';
  return { kc, context: 'in-cluster', server, namespace: flags.namespace ?? ns };
}
