import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { KubeClient } from '../client.js';
import { loadTarget } from '../kubeconfig.js';

// Real TLS servers on loopback with a fixed self-signed certificate for 127.0.0.1 (valid a
// century), which the kubeconfigs below trust: the unit tests need no openssl.
export const key = readFileSync('test/fixtures/tls/loopback.key');
export const cert = readFileSync('test/fixtures/tls/loopback.crt');
const dir = mkdtempSync(join(tmpdir(), 'api-server-'));

/** Status and body for a request; status 0 resets the stream instead. */
export type Answer = (
  path: string,
  headers: http2.IncomingHttpHeaders,
) => [number, string] | Promise<[number, string]>;

export const list = (names: string[]) =>
  JSON.stringify({ items: names.map((name) => ({ metadata: { name } })), metadata: {} });

/**
 * An HTTP/2 server, as the API server is: it answers each stream, and counts the connections and
 * what they asked. `close` ends it and its connections.
 */
export async function h2Server(answer: Answer) {
  const seen = { sessions: 0, paths: [] as string[], auth: [] as string[] };
  const sessions: http2.ServerHttp2Session[] = [];
  const server = http2.createSecureServer({ key, cert });
  server.on('session', (session) => {
    seen.sessions++;
    sessions.push(session);
  });
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    seen.paths.push(path);
    seen.auth.push(String(headers['authorization']));
    void Promise.resolve(answer(path, headers)).then(([status, body]) => {
      if (stream.destroyed) return;
      if (status === 0) {
        stream.on('error', () => undefined); // the reset is the point
        stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      stream.respond({ ':status': status, 'content-type': 'application/json' });
      stream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = () => {
    for (const session of sessions) session.destroy();
    server.close();
  };
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    sessions,
    close,
  };
}

/** An HTTP/1.1-only server (a proxy in front of the API server), with what it was asked. */
export async function h1Server(answer: Answer) {
  const seen = { paths: [] as string[] };
  const server = https.createServer({ key, cert }, (req, res) => {
    const path = req.url ?? '';
    seen.paths.push(path);
    void Promise.resolve(answer(path, req.headers)).then(([status, body]) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close };
}

/** A kubeconfig for `url` with a token and the test certificate. */
export function kubeconfigOf(url: string): string {
  const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(join(dir, 'ca.pem'), cert);
  writeFileSync(
    file,
    dump({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'test',
      clusters: [
        { name: 'test', cluster: { server: url, 'certificate-authority': join(dir, 'ca.pem') } },
      ],
      users: [{ name: 'test', user: { token: 'secret-token' } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
    }),
  );
  return file;
}

/** A client of `url` as that kubeconfig makes it. */
export function clientOf(url: string, attempts = 4): KubeClient {
  return new KubeClient(loadTarget({ kubeconfig: kubeconfigOf(url) }, {}), {
    timeoutMs: 2000,
    attempts,
    backoffMs: 1,
  });
}
