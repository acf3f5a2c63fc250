import http2 from 'node:http2';
import type https from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';

/** An answer of the API server, whole. */
export interface Response {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

/** The TLS options of client-node's agent that a connection of our own must carry too. */
const tlsKeys = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'ciphers',
  'ecdhCurve',
  'crl',
  'secureOptions',
  'secureProtocol',
] as const;

/** A failure of the connection, told as the reset it is, so the client retries it as one. */
const reset = (e: Error) =>
  Object.assign(new Error(e.message), { code: 'ECONNRESET', cause: e }) as NodeJS.ErrnoException;

/**
 * One HTTP/2 connection for every request of a run, as kubectl has. Over HTTP/1.1 each request in
 * flight needs a TLS connection of its own, and their handshakes cost more than the concurrency
 * saves (20 lists at once took 38 ms against 13 ms six at a time); over HTTP/2 they all go out
 * together on one. The server picks the protocol (ALPN offers h2, then http/1.1): one that answers
 * http/1.1, such as a proxy in front of the API server, is spoken to over HTTP/1.1 from then on.
 */
export class H2Transport {
  private session: Promise<http2.ClientHttp2Session | 'http/1.1'> | undefined;
  private inFlight = 0;

  /** `opened` is called as each HTTP/2 connection opens, before its first answer. */
  constructor(
    private readonly origin: URL,
    private readonly agentOptions: https.AgentOptions,
    private readonly opened: () => void = () => undefined,
  ) {}

  /** The answer, or `http/1.1` when the server does not speak HTTP/2. */
  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<Response | 'http/1.1'> {
    const session = await this.open();
    if (session === 'http/1.1') return session;
    this.inFlight++;
    session.ref();
    try {
      return await this.exchange(session, method, path, headers, body, timeoutMs);
    } finally {
      // an idle connection must not keep the process alive
      if (--this.inFlight === 0) session.unref();
    }
  }

  private open(): Promise<http2.ClientHttp2Session | 'http/1.1'> {
    this.session ??= this.connect().catch((e: unknown) => {
      this.session = undefined;
      throw e;
    });
    return this.session;
  }

  /** A connection the server closed, or ended with GOAWAY, is opened again by the next request. */
  private connect(): Promise<http2.ClientHttp2Session | 'http/1.1'> {
    const host = this.origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const options: tls.ConnectionOptions = { host, port: Number(this.origin.port || 443) };
    for (const k of tlsKeys)
      if (this.agentOptions[k] !== undefined) Object.assign(options, { [k]: this.agentOptions[k] });
    options.servername ??= isIP(host) === 0 ? host : undefined;
    options.ALPNProtocols = ['h2', 'http/1.1'];
    return new Promise((resolve, reject) => {
      const socket = tls.connect(options, () => {
        socket.off('error', reject);
        if (socket.alpnProtocol !== 'h2') {
          socket.destroy();
          resolve('http/1.1');
          return;
        }
        const session = http2.connect(this.origin, { createConnection: () => socket });
        const opened = this.session;
        const forget = () => {
          if (this.session === opened) this.session = undefined;
        };
        session.on('error', forget);
        session.on('close', forget);
        session.on('goaway', forget);
        session.unref();
        this.opened();
        resolve(session);
      });
      socket.once('error', reject);
    });
  }

  private exchange(
    session: http2.ClientHttp2Session,
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<Response> {
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({ ':method': method, ':path': path, ...headers });
      } catch (e) {
        reject(reset(e as Error));
        return;
      }
      let status = 0;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      stream.on('response', (h: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader) => {
        status = h[':status'] ?? 0;
        const ra = h['retry-after'] as string | string[] | undefined;
        retryAfter = Array.isArray(ra) ? ra[0] : ra;
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        resolve({ status, body: Buffer.concat(chunks).toString('utf8'), retryAfter });
      });
      stream.on('error', (e: Error) => {
        reject(reset(e));
      });
      // a stream the server resets without an error closes without 'end'
      stream.on('close', () => {
        reject(reset(new Error(`stream closed (HTTP/2 code ${stream.rstCode})`)));
      });
      if (timeoutMs > 0)
        stream.setTimeout(timeoutMs, () => {
          stream.close(http2.constants.NGHTTP2_CANCEL);
          reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
        });
      stream.end(body);
    });
  }
}

/** The headers of a request as client-node set them, lower-cased for HTTP/2 (basic auth included). */
export function h2Headers(opts: https.RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {}))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  if (opts.auth) out['authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}
