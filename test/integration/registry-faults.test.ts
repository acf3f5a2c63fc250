import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/adapters/registry/client.js';
import { pushImage } from './harness/images.js';
import { readFacts } from './harness/read-facts.js';
import { resolveRegistryTools, startRegistry, type TestRegistry } from './harness/registry.js';

// Faults a real registry will not produce on demand, in front of the real one (DESIGN.md §7).

const read = (images: string[], attempts = 4) => {
  const client = new RegistryClient({
    insecure: [],
    timeoutMs: 2_000,
    attempts,
    backoffMs: 50,
    credential: () => undefined,
  });
  return readFacts(client, images).then((f) => ({ facts: f, requests: client.requests }));
};

const listen = (s: Server, host: string) =>
  new Promise<number>((resolve) => {
    s.listen(0, host, () => {
      const a = s.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });

describe('registry faults', () => {
  let reg: TestRegistry;
  let proxy: Server;
  let proxyHost = '';
  let failures = 0;
  let status = 429;

  beforeAll(async () => {
    reg = await startRegistry(await resolveRegistryTools(), 'none');
    await pushImage(reg, 'f/app', '1', {
      config: { User: '1000' },
      layers: [{ files: [{ path: '/etc/passwd', content: 'root:x:0:0::/:/bin/sh\n' }] }],
    });
    // answers `failures` manifest requests with `status` (Retry-After: 1 on 429), then forwards
    proxy = createHttp((req, res) => {
      if (req.url?.includes('/manifests/') && failures > 0) {
        failures--;
        res.writeHead(status, status === 429 ? { 'Retry-After': '1' } : {});
        res.end();
        return;
      }
      void fetch(`${reg.url}${req.url ?? '/'}`, {
        headers: { Accept: req.headers.accept ?? '*/*' },
      }).then(async (up) => {
        res.writeHead(up.status, Object.fromEntries(up.headers));
        res.end(Buffer.from(await up.arrayBuffer()));
      });
    });
    proxyHost = `127.0.0.1:${await listen(proxy, '127.0.0.1')}`;
  }, 600_000);
  afterAll(async () => {
    proxy.close();
    await reg.stop();
  });

  it('waits out a 429 as Retry-After says, then reads the image', async () => {
    [failures, status] = [2, 429];
    const started = performance.now();
    const { facts } = await read([`${proxyHost}/f/app:1`]);
    expect(facts[0]?.user).toBe('1000');
    expect(performance.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('a 503 that does not end leaves the image unknown, naming the status and the attempts', async () => {
    [failures, status] = [100, 503];
    const { facts, requests } = await read([`${proxyHost}/f/app:1`], 3);
    expect(facts[0]?.user).toBeNull();
    expect(facts[0]?.source).toMatch(/HTTP 503 after 3 attempts/);
    expect(requests).toBe(3);
  });

  it('an HTTPS registry whose certificate is not trusted is unknown with the TLS reason', async () => {
    const ip = Object.values(networkInterfaces())
      .flat()
      .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
    expect(ip, 'a non-loopback address (HTTPS is used everywhere but loopback)').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=test',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = createHttps(
      { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
      (_q, s) => s.end(),
    );
    const port = await listen(tls, ip ?? '');
    try {
      const { facts } = await read([`${ip ?? ''}:${port}/f/app:1`], 1);
      expect(facts[0]?.user).toBeNull();
      expect(facts[0]?.source).toMatch(/SELF_SIGNED|self.signed|certificate/i);
    } finally {
      tls.close();
    }
  });
});
