import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { inputIsLarge, largeInputObjects } from '../large-input.js';
import { ClusterError, ForbiddenError } from './errors.js';
import { H2Transport, h2Headers, type Response } from './h2-transport.js';
import type { ClusterTarget } from './kubeconfig.js';

/** A resource type as the API serves it: `{group: '', version: 'v1', plural: 'pods'}`. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
}

export interface ClientOptions {
  /** Per request, kubectl's --request-timeout; 0 = none. */
  timeoutMs: number;
  /** Attempts for 429, 5xx, resets and timeouts before giving up. */
  attempts?: number;
  /** Base of the exponential backoff (doubled per attempt), when the server gives no Retry-After. */
  backoffMs?: number;
  /** Items per page of a list (the API server's `limit`). */
  pageSize?: number;
}

/** Requests made per resource, for `-v` and the benchmark. */
export interface RequestStat {
  requests: number;
  ms: number;
  items: number;
}

/** How a watch ended: the server's timeout, our abort, a lost connection, or a refusal. */
export type WatchEnd =
  | { end: 'ended' | 'aborted' }
  | { end: 'lost'; why: string }
  | { end: 'refused'; status: number; why: string };

/** `pods`, `replicationsources.volsync.backube`: how RBAC and kubectl name a resource. */
export const resourceName = (r: ResourceType): string =>
  r.group === '' ? r.plural : `${r.plural}.${r.group}`;

function basePath(r: ResourceType, namespace: string | undefined): string {
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return namespace === undefined
    ? `${root}/${r.plural}`
    : `${root}/namespaces/${namespace}/${r.plural}`;
}

const retriable = new Set([429, 500, 502, 503, 504]);
/** The agent client-node gave a request's options, before the kept-alive one replaced it. */
const h2Of = new WeakMap<https.RequestOptions, https.RequestOptions['agent']>();
const retriableCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * The API server over HTTP(S), authenticated by client-node from the kubeconfig (certificates,
 * tokens, exec plugins, impersonation). Lists are paginated; 429, 5xx, resets and timeouts are
 * retried with backoff (Retry-After honoured); errors leave as ClusterError or ForbiddenError.
 */
export class KubeClient {
  readonly stats = new Map<string, RequestStat>();
  /** client-node's agent of the cluster, and the same TLS options with keep-alive. */
  private readonly keptAlive = new WeakMap<https.Agent, https.Agent>();
  /** The one HTTP/2 connection of each such agent's cluster (h2-transport.ts). */
  private readonly h2 = new WeakMap<https.Agent, H2Transport>();
  private itemsRead = 0;
  /** Whether the server speaks HTTP/2 (h2-transport.ts): known once a connection is open. */
  private multiplexed = false;
  private readonly onMultiplexedListeners: (() => void)[] = [];
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly pageSize: number;

  constructor(
    readonly target: ClusterTarget,
    private readonly options: ClientOptions,
  ) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 250;
    this.pageSize = options.pageSize ?? 500;
  }

  /**
   * Requests to keep in flight at once: every list of a run over the one HTTP/2 connection; six
   * over HTTP/1.1, where each needs a TLS connection of its own and their handshakes cost more
   * than the concurrency saves.
   */
  get parallelism(): number {
    return this.multiplexed ? 32 : 6;
  }

  /**
   * Calls `listener` once the server is known to speak HTTP/2, when its connection is open and
   * before any answer: reads queued behind `parallelism` can go out then.
   */
  onMultiplexed(listener: () => void): void {
    if (this.multiplexed) listener();
    else this.onMultiplexedListeners.push(listener);
  }

  private multiplexes(): void {
    if (this.multiplexed) return;
    this.multiplexed = true;
    for (const l of this.onMultiplexedListeners.splice(0)) l();
  }

  /** The protocol the answers came in, for -v. */
  get protocol(): string {
    return this.multiplexed ? 'HTTP/2' : 'HTTP/1.1';
  }

  /** Every object of a type, in one namespace or all, following `continue` tokens. */
  async list(
    r: ResourceType,
    opts: { namespace?: string; labelSelector?: string } = {},
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    await this.listPages(r, opts, (page) => items.push(...page));
    return items;
  }

  /**
   * list, page by page: each page's items go to `onPage` as they arrive, so that a large list is
   * never held raw all at once. Resolves with the resourceVersion of the list, where a watch of
   * the same objects starts (the first page's: a paginated list is one consistent read at it).
   */
  async listPages(
    r: ResourceType,
    opts: { namespace?: string; labelSelector?: string },
    onPage: (items: Record<string, unknown>[]) => void,
  ): Promise<string> {
    let token: string | undefined;
    let resourceVersion = '';
    let count = 0;
    do {
      const query = new URLSearchParams({ limit: String(this.pageSize) });
      if (opts.labelSelector) query.set('labelSelector', opts.labelSelector);
      if (token) query.set('continue', token);
      const path = `${basePath(r, opts.namespace)}?${query.toString()}`;
      const res = await this.send('GET', path, undefined, `list ${resourceName(r)}`);
      if (res.status === 403)
        throw new ForbiddenError('list', resourceName(r), opts.namespace, statusMessage(res.body));
      if (res.status !== 200) throw this.failure('list', resourceName(r), path, res);
      const page = parseJson(res.body, path) as {
        items?: Record<string, unknown>[];
        metadata?: { continue?: string; resourceVersion?: string };
      };
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      count += page.items?.length ?? 0;
      this.itemsRead += page.items?.length ?? 0;
      if (this.itemsRead > largeInputObjects) inputIsLarge();
      onPage(page.items ?? []);
      token = page.metadata?.continue || undefined;
    } while (token);
    const stat = this.stats.get(`list ${resourceName(r)}`);
    if (stat) stat.items += count;
    return resourceVersion;
  }

  /**
   * Watches a type from `resourceVersion` (bookmarks asked for), handing over each event as the
   * server sends it, until the server ends the stream (its timeout), `signal` aborts it or the
   * connection is lost. The end says which: `ended`, `aborted`, `lost` (the error code), or the
   * HTTP status the server refused the watch with (410 Gone: too old, list again; 403).
   */
  async watch(
    r: ResourceType,
    opts: { labelSelector?: string; resourceVersion: string; timeoutSeconds: number },
    onEvent: (event: { type: string; object: Record<string, unknown> }) => void,
    signal: AbortSignal,
  ): Promise<WatchEnd> {
    const query = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: opts.resourceVersion,
      timeoutSeconds: String(opts.timeoutSeconds),
    });
    if (opts.labelSelector) query.set('labelSelector', opts.labelSelector);
    const path = `${basePath(r, undefined)}?${query.toString()}`;
    const stat = this.stats.get(`watch ${resourceName(r)}`) ?? { requests: 0, ms: 0, items: 0 };
    this.stats.set(`watch ${resourceName(r)}`, stat);
    stat.requests++;
    let reqOpts: https.RequestOptions;
    try {
      reqOpts = await this.requestOptions('GET', 'application/json');
    } catch (e) {
      return { end: 'lost', why: e instanceof Error ? e.message : String(e) };
    }
    const url = new URL(this.target.server.replace(/\/$/, '') + path);
    const transport = url.protocol === 'http:' ? http : https;
    if (url.protocol === 'http:') delete reqOpts.agent;
    return new Promise((resolve) => {
      const req = transport.request(url, { ...reqOpts, signal }, (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({
              end: 'refused',
              status: res.statusCode ?? 0,
              why: statusMessage(Buffer.concat(chunks).toString('utf8')),
            });
          });
          res.on('error', () => {
            resolve({
              end: 'refused',
              status: res.statusCode ?? 0,
              why: `HTTP ${res.statusCode ?? 0}`,
            });
          });
          return;
        }
        res.setEncoding('utf8');
        let pending = '';
        res.on('data', (chunk: string) => {
          pending += chunk;
          let nl;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (line.trim() === '') continue;
            try {
              const e = JSON.parse(line) as { type?: unknown; object?: unknown };
              if (typeof e.type === 'string' && typeof e.object === 'object' && e.object !== null) {
                stat.items++;
                onEvent({ type: e.type, object: e.object as Record<string, unknown> });
              }
            } catch {
              req.destroy();
              resolve({ end: 'lost', why: 'the server sent a line that is not JSON' });
              return;
            }
          }
        });
        res.on('end', () => {
          resolve({ end: 'ended' });
        });
        res.on('error', (e) => {
          resolve(signal.aborted ? { end: 'aborted' } : { end: 'lost', why: e.message });
        });
        // a connection cut mid-body may close the response without 'end' or 'error'
        res.on('close', () => {
          resolve(
            signal.aborted ? { end: 'aborted' } : { end: 'lost', why: 'the connection closed' },
          );
        });
      });
      // bookmarks come about once a minute: a watch silent for longer is a dead connection
      req.setTimeout((opts.timeoutSeconds + 60) * 1000, () => {
        req.destroy(Object.assign(new Error('no event or bookmark'), { code: 'ETIMEDOUT' }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        resolve(signal.aborted ? { end: 'aborted' } : { end: 'lost', why: e.code ?? e.message });
      });
      req.end();
    });
  }

  /** One object, or undefined when the server says 404. */
  async get(path: string, what: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.send('GET', path, undefined, `get ${what}`);
    if (res.status === 404) return undefined;
    if (res.status === 403)
      throw new ForbiddenError('get', what, undefined, statusMessage(res.body));
    if (res.status !== 200) throw this.failure('get', what, path, res);
    return parseJson(res.body, path) as Record<string, unknown>;
  }

  /**
   * Creates a pod with dryRun=All: every admission plugin, webhook and policy runs, nothing is
   * stored. The admitted pod (after mutation) or the server's rejection; RBAC refusing the create
   * itself is a ForbiddenError.
   */
  async dryRunPod(
    namespace: string,
    manifest: Record<string, unknown>,
  ): Promise<{ admitted: true; spec: unknown } | { admitted: false; message: string }> {
    const path = `/api/v1/namespaces/${namespace}/pods?dryRun=All`;
    const res = await this.send('POST', path, JSON.stringify(manifest), 'create pods (dry run)');
    if (res.status === 200 || res.status === 201)
      return { admitted: true, spec: (parseJson(res.body, path) as { spec?: unknown }).spec };
    const message = statusMessage(res.body);
    if (res.status === 403 && /cannot create resource "pods"/.test(message))
      throw new ForbiddenError('create', 'pods', namespace, message);
    if (res.status >= 400 && res.status < 500) return { admitted: false, message };
    throw this.failure('create', 'pods (dry run)', path, res);
  }

  /**
   * One write or read whose statuses the caller decides on: the status, the parsed object (when
   * the body is JSON) and the server's message. 403 leaves as ForbiddenError, 5xx after retries
   * and unreachable servers as ClusterError.
   */
  async call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    rbac: { verb: string; resource: string; namespace?: string },
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; object: Record<string, unknown> | undefined; text: string }> {
    const what = `${rbac.verb} ${rbac.resource}`;
    const res = await this.send(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      what,
      contentType,
    );
    const message = statusMessage(res.body);
    if (res.status === 403)
      throw new ForbiddenError(rbac.verb, rbac.resource, rbac.namespace, message);
    if (res.status >= 500 || res.status === 401 || res.status === 429)
      throw this.failure(rbac.verb, rbac.resource, path, res);
    let object: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(res.body);
      if (typeof parsed === 'object' && parsed !== null) object = parsed as Record<string, unknown>;
    } catch {
      // a log, or plain text
    }
    return { status: res.status, object, text: res.status < 300 ? res.body : message };
  }

  /**
   * Follows a streamed GET (a pod log with follow=true), handing over each chunk as it arrives,
   * until the server ends the stream or `signal` aborts it. False when the server refused it or
   * could not be reached: a log is progress, never a reason to fail.
   */
  async follow(
    path: string,
    onChunk: (text: string) => void,
    signal: AbortSignal,
  ): Promise<boolean> {
    const opts = await this.requestOptions('GET', 'application/json');
    const url = new URL(this.target.server.replace(/\/$/, '') + path);
    const transport = url.protocol === 'http:' ? http : https;
    if (url.protocol === 'http:') delete opts.agent;
    return new Promise((resolve) => {
      const req = transport.request(url, { ...opts, signal }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          resolve(false);
          return;
        }
        res.setEncoding('utf8');
        res.on('data', onChunk);
        res.on('end', () => {
          resolve(true);
        });
        res.on('error', () => {
          resolve(true);
        });
      });
      req.on('error', () => {
        resolve(false);
      });
      req.end();
    });
  }

  /** `cluster URL (context NAME)`: the object of every cluster error line. */
  private get where(): string {
    return `cluster ${this.target.server} (context ${this.target.context})`;
  }

  private failure(verb: string, what: string, path: string, res: Response): ClusterError {
    const why = statusMessage(res.body) || `HTTP ${res.status}`;
    const fix =
      res.status === 401
        ? 'log in again or fix the credentials of the kubeconfig user'
        : retriable.has(res.status)
          ? `the server kept failing after ${this.attempts} attempts; retry later`
          : 'check the server and retry';
    return new ClusterError(`${this.where}: ${verb} ${what} (${path}): ${why}; ${fix}`);
  }

  private async send(
    method: string,
    path: string,
    body: string | undefined,
    what: string,
    contentType = 'application/json',
  ) {
    const started = performance.now();
    const stat = this.stats.get(what) ?? { requests: 0, ms: 0, items: 0 };
    this.stats.set(what, stat);
    try {
      for (let attempt = 1; ; attempt++) {
        stat.requests++;
        const opts = await this.requestOptions(method, contentType);
        let res: Response;
        try {
          res = await this.once(opts, path, body);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? '';
          if (attempt < this.attempts && retriableCodes.has(code)) {
            await sleep(this.delay(attempt, undefined));
            continue;
          }
          const tries = `after ${attempt} attempt${attempt > 1 ? 's' : ''}`;
          throw new ClusterError(
            code === 'ETIMEDOUT'
              ? `${this.where}: ${what}: no answer within ${this.options.timeoutMs} ms ${tries}; raise --request-timeout or check the server`
              : `${this.where}: ${what}: ${code || (e as Error).message} ${tries}; check that the server is up and that --context/--kubeconfig point at it`,
          );
        }
        if (retriable.has(res.status) && attempt < this.attempts) {
          await sleep(this.delay(attempt, res.retryAfter));
          continue;
        }
        return res;
      }
    } finally {
      stat.ms += performance.now() - started;
    }
  }

  /** Retry-After in seconds when the server sends it (capped), else exponential backoff. */
  private delay(attempt: number, retryAfter: string | undefined): number {
    const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 30) * 1000;
    return this.backoffMs * 2 ** (attempt - 1);
  }

  /** Credentials and TLS for one request; exec plugins run here (client-node caches their tokens). */
  private async requestOptions(method: string, contentType: string): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {
      method,
      headers: { Accept: 'application/json', 'Content-Type': contentType },
    };
    try {
      await this.target.kc.applyToHTTPSOptions(opts);
      h2Of.set(opts, opts.agent);
      opts.agent = this.reusedAgent(opts.agent);
    } catch (e) {
      const why = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
      throw new ClusterError(
        `${this.where}: cannot authenticate: ${why}; fix the user or cluster of context ${this.target.context} in the kubeconfig`,
      );
    }
    return opts;
  }

  /**
   * client-node gives one agent per cluster, without keep-alive: every request would open a TLS
   * connection of its own (a run makes about seventeen). A plain agent's options get one that
   * keeps its connections; a proxy agent (hpagent, socks) is left as it is.
   */
  private reusedAgent(agent: https.RequestOptions['agent']): https.RequestOptions['agent'] {
    if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return agent;
    let mine = this.keptAlive.get(agent);
    if (!mine) {
      mine = new https.Agent({ ...agent.options, keepAlive: true });
      this.keptAlive.set(agent, mine);
    }
    return mine;
  }

  /** HTTP/2 for client-node's plain agent; a proxy agent (hpagent, socks) keeps HTTP/1.1. */
  private h2Transport(agent: unknown, url: URL): H2Transport | undefined {
    if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return undefined;
    let t = this.h2.get(agent);
    if (!t) {
      t = new H2Transport(new URL(url.origin), agent.options, () => {
        this.multiplexes();
      });
      this.h2.set(agent, t);
    }
    return t;
  }

  private async once(
    opts: https.RequestOptions,
    path: string,
    body: string | undefined,
  ): Promise<Response> {
    // the server URL may carry a path prefix (API proxies): append, never resolve
    const url = new URL(this.target.server.replace(/\/$/, '') + path);
    const h2 = url.protocol === 'https:' ? this.h2Transport(h2Of.get(opts), url) : undefined;
    if (h2) {
      const method = opts.method ?? 'GET';
      const headers = h2Headers(opts);
      const r = await h2.request(
        method,
        url.pathname + url.search,
        headers,
        body,
        this.options.timeoutMs,
      );
      if (r !== 'http/1.1') return r;
    }
    const transport = url.protocol === 'http:' ? http : https;
    if (url.protocol === 'http:') delete opts.agent;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const ra: string | string[] | undefined = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: typeof ra === 'string' ? ra : ra?.[0],
          });
        });
      });
      if (this.options.timeoutMs > 0)
        req.setTimeout(this.options.timeoutMs, () => {
          req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
        });
      req.on('error', reject);
      req.end(body);
    });
  }
}

function parseJson(body: string, path: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new ClusterError(`GET ${path}: the server answered with non-JSON; check the server URL`);
  }
}

/** The `message` of a Kubernetes Status body, else its first line. */
function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: unknown };
    if (typeof s.message === 'string') return s.message;
  } catch {
    // not a Status object
  }
  return body.split('\n')[0]?.slice(0, 200) ?? '';
}
