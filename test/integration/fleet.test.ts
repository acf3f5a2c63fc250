import { readFileSync, writeFileSync } from 'node:fs';
import { dump } from 'js-yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demoManifests } from '../../src/adapters/manifests/demo-manifests.js';
import { golden, runCliCaptured } from '../run-cli.js';
import { freePort } from './harness/control-plane.js';
import { applyYaml, kubeconfigPath } from './harness/kube-api.js';

const cp = inject('controlPlane');
let kubeconfig = '';
const run = (...argv: string[]) => runCliCaptured(argv, '', { KUBECONFIG: kubeconfig });

describe('several clusters at once (--context twice, --all-contexts)', () => {
  beforeAll(async () => {
    await applyYaml(cp, demoManifests);
    await applyYaml(cp, readFileSync('test/fixtures/cluster/reader-rbac.yaml', 'utf8'));
    const down = `https://127.0.0.1:${await freePort()}`;
    kubeconfig = kubeconfigPath(cp, 'fleet');
    writeFileSync(
      kubeconfig,
      dump({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'prod',
        clusters: [
          { name: 'test', cluster: { server: cp.server, 'certificate-authority': cp.caFile } },
          { name: 'gone', cluster: { server: down, 'certificate-authority': cp.caFile } },
        ],
        users: [
          { name: 'admin', user: { token: cp.users.admin.token } },
          { name: 'reader', user: { token: cp.users.reader.token } },
        ],
        contexts: [
          { name: 'prod', context: { cluster: 'test', user: 'admin' } },
          { name: 'staging', context: { cluster: 'test', user: 'reader' } },
          { name: 'lab', context: { cluster: 'gone', user: 'admin' } },
        ],
      }),
    );
  });

  it('scans every context, marks each row with its cluster, and reports the unreachable one without stopping', async () => {
    const r = await run('explain', 'ns/default', '--all-contexts', '--request-timeout', '1s');
    expect(r.code).toBe(4);
    expect(r.stdout.split('\n')[0]).toMatch(/^CLUSTER\s+NAME\s+MOVER/);
    expect(r.stdout).toMatch(/^prod\s+rs\/bookstack/m);
    expect(r.stdout).toMatch(/^staging\s+rs\/bookstack/m);
    expect(r.stderr).toMatch(
      /^warning: context lab: cluster https:\/\/127\.0\.0\.1:\d+ \(context lab\): .*ECONNREFUSED/m,
    );
  });

  it('writes one IdentityReport per cluster in an IdentityReportList (-o json)', async () => {
    const r = await run(
      'explain',
      'ns/media',
      '--context',
      'prod',
      '--context',
      'staging',
      '-o',
      'json',
    );
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as {
      kind: string;
      items: { cluster: string; kind: string; subjects: unknown[] }[];
    };
    expect(list.kind).toBe('IdentityReportList');
    expect(list.items.map((i) => [i.cluster, i.kind])).toEqual([
      ['prod', 'IdentityReport'],
      ['staging', 'IdentityReport'],
    ]);
    expect(list.items[0]?.subjects.length).toBeGreaterThan(0);
    // staging's user may not read namespace media: a partial report, not a failure
    expect(list.items[1]?.subjects).toEqual([]);
  });

  it('one --context is the ordinary single-cluster output', async () => {
    const r = await run('explain', '--context', 'prod', '-n', 'media');
    expect(golden(r)).toBe(readFileSync('test/golden/explain-demo-n-media.txt', 'utf8'));
  });
});
