import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientOf,
  h1Server,
  h2Server as serve,
  kubeconfigOf,
  list,
  type Answer,
} from './test-support/api-server.js';

// One server speaking HTTP/2 (as the API server does), one HTTP/1.1 only (a proxy in front of it).
const closers: (() => void)[] = [];

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const namespaces = { group: '', version: 'v1', plural: 'namespaces' };

async function h2Server(answer: Answer) {
  const s = await serve(answer);
  closers.push(s.close);
  return s;
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
    const server = await h1Server(() => [200, list(['a', 'b'])]);
    closers.push(server.close);
    const client = clientOf(server.url);
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
