import { setTimeout as sleep } from 'node:timers/promises';
import { registryApiHost, type ImageRef } from '../../core/identity/image-ref.js';
import { basicHeader, parseChallenge, type Challenge, type Credential } from './auth.js';

export interface RegistryClientOptions {
  /** `--insecure-registry` hosts: plain HTTP besides loopback. */
  insecure: string[];
  timeoutMs: number;
  /**
   * How long the first request to each host waits for an answer (DNS, connect, TLS and the response
   * headers; default `timeoutMs`): a host that does not answer, or refuses, is not asked again.
   */
  firstContactMs?: number;
  attempts?: number;
  backoffMs?: number;
  credential: (registry: string) => Credential | undefined;
}

/** Why an image fact could not be read; becomes the reason of an unknown (never fatal alone). */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

const loopback = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/;
const retriable = new Set([429, 500, 502, 503, 504]);

/**
 * The OCI distribution API of every registry an image names: HTTPS, plain HTTP only on loopback
 * (as Docker allows) or for --insecure-registry; the bearer-token challenge (anonymous or with
 * docker-config credentials) and basic auth; 429, 5xx, resets and timeouts retried with backoff
 * once a host has answered. The first request to a host is its first contact: it waits at most
 * `firstContactMs` and is not retried, and while it runs the other requests to that host wait for
 * it; a host that gave no answer is not asked again in this run (`unreachable`), so a machine
 * that cannot reach a registry waits once per host, not once per image and attempt.
 */
export class RegistryClient {
  requests = 0;
  bytes = 0;
  /** Hosts that gave no answer in this run, with why (`ENOTFOUND`, `no answer within 5 s`). */
  readonly unreachable = new Map<string, string>();
  private readonly tokens = new Map<string, string>();
  /** Per host, the first contact: undefined once it answered, the error when it did not. */
  private readonly contacts = new Map<string, Promise<RegistryError | undefined>>();

  constructor(private readonly o: RegistryClientOptions) {}

  private base(ref: ImageRef): string {
    const host = registryApiHost(ref.registry);
    const plain = loopback.test(host) || this.o.insecure.includes(ref.registry);
    return `${plain ? 'http' : 'https'}://${host}/v2/${ref.repository}`;
  }

  /** GET `/v2/<repository>/<path>`, authenticated as the registry asks. */
  async get(ref: ImageRef, path: string, accept?: string[]): Promise<Response> {
    const url = `${this.base(ref)}/${path}`;
    const key = `${ref.registry}\u0000${ref.repository}`;
    const headers = (auth?: string): Record<string, string> => ({
      ...(accept && { Accept: accept.join(', ') }),
      ...(auth && { Authorization: auth }),
    });
    let res = await this.send(url, headers(this.tokens.get(key)));
    if (res.status === 401) {
      const auth = await this.authorize(ref, parseChallenge(res.headers.get('www-authenticate')));
      await res.body?.cancel();
      this.tokens.set(key, auth);
      res = await this.send(url, headers(auth));
    }
    if (res.ok) return res;
    await res.body?.cancel();
    const what = `${ref.registry}/${ref.repository} ${path.split('/')[0] ?? ''}`;
    if (res.status === 401 || res.status === 403)
      throw new RegistryError(
        `${what}: ${res.status === 401 ? 'unauthorized' : 'denied'} (HTTP ${res.status}); docker login ${ref.registry}, or pass the pull secret with --use-pull-secrets`,
      );
    if (res.status === 404) throw new RegistryError(`${what}: not found (HTTP 404)`);
    throw new RegistryError(`${what}: HTTP ${res.status} after ${this.o.attempts ?? 4} attempts`);
  }

  /** The Authorization header the challenge asks for. */
  private async authorize(ref: ImageRef, c: Challenge | undefined): Promise<string> {
    const cred = this.o.credential(ref.registry);
    if (c?.scheme === 'basic') {
      if (cred?.kind !== 'basic')
        throw new RegistryError(
          `${ref.registry}: asks for a username and password; docker login ${ref.registry}, or --use-pull-secrets on a live cluster`,
        );
      return basicHeader(cred);
    }
    const realm = c?.params['realm'];
    if (!realm)
      throw new RegistryError(`${ref.registry}: 401 without a usable WWW-Authenticate challenge`);
    const q = new URLSearchParams();
    if (c.params['service']) q.set('service', c.params['service']);
    q.set('scope', c.params['scope'] ?? `repository:${ref.repository}:pull`);
    // an identity token (docker login with a token) is exchanged by the OAuth2 refresh-token grant
    const res =
      cred?.kind === 'identity-token'
        ? await this.send(
            realm,
            { 'Content-Type': 'application/x-www-form-urlencoded' },
            {
              method: 'POST',
              body: `${q.toString()}&${new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: cred.token,
                client_id: 'kubectl-volsync-perms',
              }).toString()}`,
            },
          )
        : await this.send(
            `${realm}${realm.includes('?') ? '&' : '?'}${q.toString()}`,
            cred?.kind === 'basic' ? { Authorization: basicHeader(cred) } : {},
          );
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError(
        `${ref.registry}: the token service (${new URL(realm).host}) refused a pull token (HTTP ${res.status}); docker login ${ref.registry}`,
      );
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${ref.registry}: the token service sent no token`);
    return `Bearer ${token}`;
  }

  private async send(
    url: string,
    headers: Record<string, string>,
    post?: { method: 'POST'; body: string },
  ): Promise<Response> {
    const host = new URL(url).host;
    const contact = this.contacts.get(host);
    if (contact === undefined) return this.firstContact(host, url, headers, post);
    const failed = await contact;
    if (failed) throw failed;
    return this.retrying(url, headers, post);
  }

  /** The first request to `host`: bounded by firstContactMs, never retried, its answer shared. */
  private async firstContact(
    host: string,
    url: string,
    headers: Record<string, string>,
    post?: { method: 'POST'; body: string },
  ): Promise<Response> {
    let settle: (failed: RegistryError | undefined) => void = () => undefined;
    this.contacts.set(host, new Promise((resolve) => (settle = resolve)));
    const waitMs = this.o.firstContactMs ?? this.o.timeoutMs;
    // the answer's headers within waitMs; its body, as every request's, within timeoutMs
    const noAnswer = new AbortController();
    const timer = setTimeout(() => {
      noAnswer.abort();
    }, waitMs);
    let res: Response;
    try {
      this.requests++;
      res = await fetch(url, {
        headers,
        ...post,
        signal: AbortSignal.any([noAnswer.signal, AbortSignal.timeout(this.o.timeoutMs)]),
      });
    } catch (e) {
      const why = noAnswer.signal.aborted
        ? `no answer within ${waitMs / 1000} s`
        : networkReason(e);
      this.unreachable.set(host, why);
      const failed = new RegistryError(`${host}: could not be reached (${why})`);
      settle(failed);
      throw failed;
    } finally {
      clearTimeout(timer);
    }
    settle(undefined);
    return this.retrying(url, headers, post, res);
  }

  /** A request to a host that has answered: 429, 5xx, resets and timeouts retried with backoff. */
  private async retrying(
    url: string,
    headers: Record<string, string>,
    post?: { method: 'POST'; body: string },
    first?: Response,
  ): Promise<Response> {
    const attempts = this.o.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      if (attempt === 1 && first) res = first;
      else
        try {
          this.requests++;
          res = await fetch(url, {
            headers,
            ...post,
            signal: AbortSignal.timeout(this.o.timeoutMs),
          });
        } catch (e) {
          if (attempt < attempts) {
            await sleep((this.o.backoffMs ?? 250) * 2 ** (attempt - 1));
            continue;
          }
          throw new RegistryError(
            `${new URL(url).host}: ${networkReason(e)} after ${attempt} attempts`,
          );
        }
      if (retriable.has(res.status) && attempt < attempts) {
        await res.body?.cancel();
        const after = Number(res.headers.get('retry-after'));
        await sleep(
          Number.isFinite(after) && after >= 0
            ? Math.min(after, 30) * 1000
            : (this.o.backoffMs ?? 250) * 2 ** (attempt - 1),
        );
        continue;
      }
      return res;
    }
  }
}

/** fetch's "fetch failed" hides the cause: name the timeout, TLS or connection error. */
function networkReason(e: unknown): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
    return 'no answer in time';
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}
