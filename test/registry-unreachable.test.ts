import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from './run-cli.js';

// explain and effective-uid without --offline on a machine that cannot reach a registry: a
// loopback port that refuses connections, and one that accepts them and never answers.

const servers: Server[] = [];
const sockets: Socket[] = [];
afterAll(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

const listen = (s: Server) =>
  new Promise<string>((resolve) => {
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve(`127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
    });
  });

async function closedPort(): Promise<string> {
  const s = createServer();
  const host = await listen(s);
  await new Promise((resolve) => s.close(resolve));
  return host;
}

async function blackHole(): Promise<string> {
  const s = createServer((socket) => sockets.push(socket));
  servers.push(s);
  return listen(s);
}

/** A mover and three apps mounting its PVC, their images on `registry`. */
function manifests(registry: string): string {
  const app = (name: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: apps}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: ${name}, image: ${registry}/apps/${name}:1}]
      volumes: [{name: d, persistentVolumeClaim: {claimName: db}}]
`;
  const file = join(mkdtempSync(join(tmpdir(), 'vp-unreachable-')), 'apps.yaml');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata: {name: db, namespace: apps}
spec: {sourcePVC: db, restic: {repository: db, moverSecurityContext: {runAsUser: 1000, runAsGroup: 1000}}}
${app('db')}${app('web')}${app('worker')}`,
  );
  return file;
}

const run = (argv: string[]) =>
  runCliCaptured(
    // the mover image is public (quay.io): given, so only the unreachable registry is asked
    [...argv, '--image-user', 'quay.io/backube/volsync='],
    '',
    { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'xdg-')) },
    true,
  );

const warning = (host: string, why: string) =>
  `warning: registry ${host} could not be reached (${why}): its images were not read; --offline skips the registries\n`;

describe('a registry that cannot be reached', () => {
  it('that refuses connections: explain says so once on stderr and asks it once for its three images; effective-uid gives the reason', async () => {
    const host = await closedPort();
    const file = manifests(host);
    const explain = await run(['explain', '-A', '-f', file, '-v']);
    expect(explain.code).toBe(0);
    expect(explain.stderr).toBe(
      `${warning(host, 'ECONNREFUSED')}I registry: 1 requests, 0 KiB, 3 images (0 cached, 3 unknown)\n`,
    );
    const uid = await run(['effective-uid', 'deploy/web', '-n', 'apps', '-f', file]);
    expect([uid.code, uid.stderr]).toEqual([0, warning(host, 'ECONNREFUSED')]);
    // the unknowns name the reason, not only that the image is unknown
    expect(uid.stdout).toContain(
      `- config User of image ${host}/apps/web:1: registry: ${host}: could not be reached (ECONNREFUSED); depends on`,
    );
  });

  it('that accepts connections and never answers: explain waits for its first answer once (5 s), says so once, and asks it once', async () => {
    const host = await blackHole();
    const explain = await run(['explain', '-A', '-f', manifests(host), '-v']);
    expect(explain.code).toBe(0);
    expect(explain.stderr).toBe(
      `${warning(host, 'no answer within 5 s')}I registry: 1 requests, 0 KiB, 3 images (0 cached, 3 unknown)\n`,
    );
  }, 20_000);
});
