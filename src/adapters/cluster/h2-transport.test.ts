import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from './client.js';
import { loadTarget } from './kubeconfig.js';

// Real TLS servers on loopback, each with the certificate the kubeconfig trusts: one speaking
// HTTP/2 (as the API server does), one HTTP/1.1 only (a proxy in front of it).
const dir = mkdtempSync(join(tmpdir(), 'h2-transport-'));
let key: Buffer;
let cert: Buffer;
const closers: (() => void)[] = [];

beforeAll(() => {
  // a fixed self-signed certificate for 127.0.0.1 (valid a century): the unit tests need no openssl
  key = readFileSync('test/fixtures/tls/loopback.key');
  cert = readFileSync('test/fixtures/tls/loopback.crt');
});

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const namespaces = { group: '', version: 'v1', plural: 'namespaces' };
const list = (names: string[]) =>
  JSON.stringify({ items: names.map((name) => ({ metadata: { name } })), metadata: {} });

type Answer = (path: string, headers: http2.IncomingHttpHeaders) => [number, string];

/** An HTTP/2 server: it answers each stream, and counts the connections and what they asked. */
async function h2Server(answer: Answer) {
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
    const [status, body] = answer(path, headers);
    if (status === 0) {
      stream.on('error', () => undefined); // the reset is the point
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    stream.respond({ ':status': status, 'content-type': 'application/json' });
    stream.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    for (const session of sessions) session.destroy();
    server.close();
  });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, sessions };
}

/** A kubeconfig for `url` with a token and the test certificate. */
function kubeconfigOf(url: string): string {
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
function clientOf(url: string, attempts = 4): KubeClient {
  return new KubeClient(loadTarget({ kubeconfig: kubeconfigOf(url) }, {}), {
    timeoutMs: 2000,
    attempts,
    backoffMs: 1,
  });
}

describe('HTTP/2 to the API server', () => {
  it('sends every request of a run over one connection, all at once, with the credentials', async () => {
    const s = await h2Server(() => [200, list(['a'])]);
    const client = clientOf(s.url);
    const lists = Array.from({ length: 20 }, () => client.list(namespaces));
    expect((await Promise.all(lists)).every((items) => items.length === 1)).toBe(true);
    expect(s.seen.sessions).toBe(1);
    expect(s.seen.paths).toHaveLength(20);
    expect(new Set(s.seen.auth)).toEqual(new Set(['Bearer secret-token']));
    expect(client.protocol).toBe('HTTP/2');
    expect(client.parallelism).toBeGreaterThan(6);
  });

  it('speaks HTTP/1.1, six at a time, to a server that only offers it', async () => {
    const server = https.createServer({ key, cert }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(list(['a', 'b']));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => server.close());
    const client = clientOf(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(await client.list(namespaces)).toHaveLength(2);
    expect(await client.list(namespaces)).toHaveLength(2);
    expect(client.protocol).toBe('HTTP/1.1');
    expect(client.parallelism).toBe(6);
  });

  it('retries a stream the server resets, then answers', async () => {
    let n = 0;
    const s = await h2Server(() => (n++ === 0 ? [0, ''] : [200, list(['a'])]));
    expect(await clientOf(s.url).list(namespaces)).toHaveLength(1);
    expect(s.seen.paths).toHaveLength(2);
  });

  it('retries a 503 over HTTP/2 as over HTTP/1.1, and names the server and the fix when it keeps failing', async () => {
    const s = await h2Server(() => [503, '{"message":"etcd is down"}']);
    await expect(clientOf(s.url, 2).list(namespaces)).rejects.toThrow(
      /the server kept failing after 2 attempts; retry later/,
    );
    expect(s.seen.paths).toHaveLength(2);
  });

  it('opens a connection again after the server ended the one it had (GOAWAY)', async () => {
    const s = await h2Server(() => [200, list(['a'])]);
    const client = clientOf(s.url);
    await client.list(namespaces);
    for (const session of s.sessions) session.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await client.list(namespaces)).toHaveLength(1);
    expect(s.seen.sessions).toBe(2);
  });

  it('keeps no process alive once its requests are answered: the CLI exits by itself', async () => {
    const s = await h2Server((path) =>
      path.includes('limit=')
        ? [200, list([])]
        : [200, '{"kind":"APIResourceList","resources":[]}'],
    );
    const cli = new URL('../../../dist/kubectl-volsync_perms', import.meta.url).pathname;
    const kubeconfig = kubeconfigOf(s.url);
    const child = spawn(process.execPath, [
      cli,
      'explain',
      'ns/x',
      '--offline',
      '--kubeconfig',
      kubeconfig,
    ]);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill(), 20_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(killer);
    expect({ code, signal, stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: 'No movers found in x namespace.\n',
    });
    expect(s.seen.sessions).toBe(1);
  });
});
