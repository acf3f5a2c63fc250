import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './run-cli.js';

/**
 * The k9s plugin file format, as k9s' own JSON schema (internal/config/json/schemas/plugins.json)
 * states it: a `plugins` map only; per plugin these fields with these types, four of them required.
 */
const fields: Record<string, (v: unknown) => boolean> = {
  shortCut: (v) => typeof v === 'string',
  override: (v) => typeof v === 'boolean',
  description: (v) => typeof v === 'string',
  confirm: (v) => typeof v === 'boolean',
  dangerous: (v) => typeof v === 'boolean',
  scopes: (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
  command: (v) => typeof v === 'string',
  background: (v) => typeof v === 'boolean',
  overwriteOutput: (v) => typeof v === 'boolean',
  args: (v) => Array.isArray(v) && v.every((s) => typeof s === 'string' || typeof s === 'number'),
  inputs: (v) => Array.isArray(v) && v.length <= 5,
};
const required = ['shortCut', 'description', 'scopes', 'command'];

const file = load(readFileSync('plugin.yaml', 'utf8')) as Record<string, unknown>;
const plugins = Object.entries((file['plugins'] ?? {}) as Record<string, Record<string, unknown>>);

/** What k9s runs for a row: $NAME, $NAMESPACE and $CONTEXT replaced, the bash -c text split. */
function invocation(p: Record<string, unknown>, vars: Record<string, string>): string[] {
  const script = String((p['args'] as string[])[1]).replace(
    /\$([A-Z]+)/g,
    (_m, v: string) => vars[v] ?? '',
  );
  const [command = ''] = script.split(' |& ');
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

describe('the k9s plugin file', () => {
  it('has the shape of a k9s plugins.yaml', () => {
    expect(Object.keys(file)).toEqual(['plugins']);
    expect(plugins.length).toBeGreaterThan(0);
    for (const [name, p] of plugins) {
      for (const r of required) expect(p, `${name}.${r}`).toHaveProperty(r);
      for (const [k, v] of Object.entries(p)) {
        expect(Object.keys(fields), `${name}.${k}`).toContain(k);
        expect((fields[k] as (v: unknown) => boolean)(v), `${name}.${k}`).toBe(true);
      }
      expect(p['command']).toBe('bash');
      expect(p['background']).toBe(false);
    }
  });

  it('covers namespaces, ReplicationSources, ReplicationDestinations and Pods, read-only', () => {
    expect(plugins.flatMap(([, p]) => p['scopes'] as string[]).sort()).toEqual([
      'namespaces',
      'pods',
      'replicationdestinations',
      'replicationsources',
    ]);
    for (const [, p] of plugins) expect(JSON.stringify(p['args'])).not.toMatch(/--apply/);
  });

  it.each([
    ['namespaces', { NAME: 'default', NAMESPACE: '', CONTEXT: 'prod' }],
    ['replicationsources', { NAME: 'bookstack', NAMESPACE: 'default', CONTEXT: 'prod' }],
    ['replicationdestinations', { NAME: 'jellyfin-dst', NAMESPACE: 'media', CONTEXT: 'prod' }],
  ])('the %s command is a valid invocation that passes k9s context', async (scope, vars) => {
    const [, p] = plugins.find(([, x]) => (x['scopes'] as string[]).includes(scope)) ?? [];
    const argv = invocation(p ?? {}, vars);
    expect(argv.slice(0, 2)).toEqual(['kubectl', 'volsync-perms']);
    expect(argv).toContain('--context');
    expect(argv[argv.indexOf('--context') + 1]).toBe('prod');
    // run on the demo instead of the context's cluster
    const at = argv.indexOf('--context');
    const offline = [...argv.slice(2, at), ...argv.slice(at + 2), '--demo'];
    const r = await runCliCaptured(offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(vars.NAME);
  });
});
