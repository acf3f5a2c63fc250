import { mkdtempSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ClusterError } from './errors.js';
import { loadTarget } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));

interface Parts {
  current?: string;
  clusters?: [string, string][];
  users?: [string, Record<string, unknown>][];
  contexts?: [string, string, string, string?][];
}

/** Writes a kubeconfig file from [name, ...] tuples. */
function kubeconfig(file: string, p: Parts): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    dump({
      apiVersion: 'v1',
      kind: 'Config',
      ...(p.current && { 'current-context': p.current }),
      clusters: (p.clusters ?? []).map(([name, server]) => ({ name, cluster: { server } })),
      users: (p.users ?? []).map(([name, user]) => ({ name, user })),
      contexts: (p.contexts ?? []).map(([name, cluster, user, namespace]) => ({
        name,
        context: { cluster, user, ...(namespace && { namespace }) },
      })),
    }),
  );
  return path;
}

const first = kubeconfig('first.yaml', {
  current: 'a',
  clusters: [['a', 'https://first.example:6443']],
  users: [['u', { token: 'first-token' }]],
  contexts: [['a', 'a', 'u', 'apps']],
});
const second = kubeconfig('second.yaml', {
  current: 'b',
  clusters: [
    ['a', 'https://second.example:6443'],
    ['b', 'https://b.example:6443'],
  ],
  users: [
    ['u', { token: 'second-token' }],
    ['v', { token: 'v-token' }],
  ],
  contexts: [
    ['a', 'b', 'v'],
    ['b', 'b', 'v'],
  ],
});
const noCurrent = kubeconfig('no-current.yaml', {
  clusters: [['c', 'https://c.example']],
  users: [['w', { token: 'w' }]],
  contexts: [['c', 'c', 'w']],
});

const env = (...files: string[]) => ({ KUBECONFIG: files.join(delimiter) });
const headers = async (t: ReturnType<typeof loadTarget>) => {
  const opts: RequestOptions = {};
  await t.kc.applyToHTTPSOptions(opts);
  return (opts.headers ?? {}) as Record<string, string>;
};

describe('kubeconfig as kubectl loads it', () => {
  it('merges KUBECONFIG files: the first file that sets a name or the current context wins', async () => {
    const t = loadTarget({}, env(first, second));
    expect([t.context, t.server, t.namespace]).toEqual(['a', 'https://first.example:6443', 'apps']);
    expect((await headers(t))['Authorization']).toBe('Bearer first-token');
  });

  it('takes contexts that only a later file defines, without a duplicate-name error', () => {
    const t = loadTarget({ context: 'b' }, env(first, second));
    expect([t.context, t.server, t.namespace]).toEqual(['b', 'https://b.example:6443', 'default']);
  });

  it('takes the current context from the first file that sets one', () => {
    expect(loadTarget({}, env(noCurrent, second)).context).toBe('b');
  });

  it('skips KUBECONFIG entries that do not exist', () => {
    expect(loadTarget({}, env(join(dir, 'missing.yaml'), first)).context).toBe('a');
  });

  it('--kubeconfig wins over KUBECONFIG; -n over the context namespace', () => {
    const t = loadTarget({ kubeconfig: second, namespace: 'x' }, env(first));
    expect([t.context, t.namespace]).toEqual(['b', 'x']);
  });

  it('--cluster and --user replace those of the context', async () => {
    const t = loadTarget({ cluster: 'b', user: 'v' }, env(first, second));
    expect(t.server).toBe('https://b.example:6443');
    expect((await headers(t))['Authorization']).toBe('Bearer v-token');
  });

  it('--as impersonates on every request', async () => {
    const t = loadTarget({ as: 'jane' }, env(first));
    expect((await headers(t))['Impersonate-User']).toBe('jane');
  });

  it('resolves relative file references against the kubeconfig directory', async () => {
    writeFileSync(join(dir, 'token.txt'), 'file-token');
    const withFile = kubeconfig('token-file.yaml', {
      current: 't',
      clusters: [['t', 'https://t.example']],
      users: [['f', { tokenFile: 'token.txt' }]],
      contexts: [['t', 't', 'f']],
    });
    expect((await headers(loadTarget({}, env(withFile))))['Authorization']).toBe(
      'Bearer file-token',
    );
  });

  it.each([
    ['an unknown context', { context: 'nope' }, env(first), /context "nope": not in kubeconfig/],
    ['a missing --kubeconfig', { kubeconfig: join(dir, 'nope.yaml') }, {}, /no such file/],
    ['no kubeconfig at all', {}, { HOME: dir }, /none found/],
    ['no current context', {}, env(noCurrent), /no current-context; pass --context/],
    [
      'an unknown --cluster',
      { cluster: 'zz' },
      env(first),
      /cluster "zz" is not in the kubeconfig/,
    ],
  ])('refuses %s with a one-line fix (exit 4)', (_l, flags, e, message) => {
    expect(() => loadTarget(flags, e)).toThrow(ClusterError);
    expect(() => loadTarget(flags, e)).toThrow(message);
  });
});
