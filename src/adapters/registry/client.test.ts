import { mkdtempSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from './client.js';
import { readImageFacts } from './read-images.js';

// Registries that cannot be reached, on loopback: a closed port (refused at once) and a black
// hole (accepts the connection, never answers). A real machine without network is one of them.

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) s.close();
});

const listen = (s: Server) =>
  new Promise<string>((resolve) => {
    servers.push(s);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve(`127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
    });
  });

/** A loopback port nothing listens on: listened on once, then closed. */
async function closedPort(): Promise<string> {
  const s = createServer();
  const host = await listen(s);
  servers.splice(servers.indexOf(s), 1);
  await new Promise((resolve) => s.close(resolve));
  return host;
}

const blackHole = () =>
  listen(
    createServer((socket) => {
      sockets.push(socket);
    }),
  );

/** A registry that answers, with 404 to everything. */
const answersNotFound = () =>
  listen(
    createHttp((_req, res) => {
      res.writeHead(404).end();
    }),
  );

function read(images: string[], firstContactMs?: number) {
  const client = new RegistryClient({
    insecure: [],
    timeoutMs: 30_000,
    ...(firstContactMs !== undefined && { firstContactMs }),
    attempts: 4,
    backoffMs: 50,
    credential: () => undefined,
  });
  return readImageFacts(client, images, {
    platform: { os: 'linux', architecture: 'amd64' },
    offline: false,
    cacheDir: mkdtempSync(join(tmpdir(), 'image-cache-')),
    tagTtlMs: 60_000,
    now: () => Date.now(),
    maxLayerBytes: 1 << 20,
    concurrency: 4,
  }).then((facts) => ({ facts, client }));
}

const images = (host: string) => ['a', 'b', 'c', 'd', 'e', 'f'].map((r) => `${host}/apps/${r}:1`);

describe('a registry that cannot be reached', () => {
  it('refusing connections: asked once for all its images, each unknown with the reason, and named once as unreachable', async () => {
    const host = await closedPort();
    const { facts, client } = await read(images(host));
    expect(client.requests).toBe(1);
    expect(facts.map((f) => [f.user, f.source])).toEqual(
      images(host).map(() => [null, `registry: ${host}: could not be reached (ECONNREFUSED)`]),
    );
    expect([...client.unreachable]).toEqual([[host, 'ECONNREFUSED']]);
  });

  it('accepting and never answering: the first contact waits firstContactMs once, then no image asks it again', async () => {
    const host = await blackHole();
    const { facts, client } = await read(images(host), 200);
    expect(client.requests).toBe(1);
    expect(new Set(facts.map((f) => f.source))).toEqual(
      new Set([`registry: ${host}: could not be reached (no answer within 0.2 s)`]),
    );
    expect([...client.unreachable]).toEqual([[host, 'no answer within 0.2 s']]);
  });

  it('a registry that answers, even with errors, is reachable: each image asks it and has its own reason', async () => {
    const host = await answersNotFound();
    const { facts, client } = await read(images(host), 200);
    expect(client.requests).toBe(images(host).length);
    expect(facts[0]?.source).toBe(`registry: ${host}/apps/a manifests: not found (HTTP 404)`);
    expect(client.unreachable.size).toBe(0);
  });

  it('one unreachable registry does not stop another from being read', async () => {
    const [dead, alive] = [await closedPort(), await answersNotFound()];
    const { facts, client } = await read([...images(dead), ...images(alive)]);
    expect([...client.unreachable.keys()]).toEqual([dead]);
    expect(facts.filter((f) => f.source.includes('not found (HTTP 404)'))).toHaveLength(6);
  });
});
