import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = 'dist/kubectl-volsync_perms';

/** The built bundle, run as kubectl would run it (npm test builds it first). */
describe('the built kubectl-volsync_perms executable', () => {
  it('runs the demo: five movers of default at UID 0, exit 0', () => {
    const out = execFileSync(process.execPath, [bin, 'explain', 'ns/default', '--demo'], {
      env: { NO_COLOR: '1', PATH: process.env['PATH'] ?? '' },
    }).toString();
    expect(out.match(/kopia\s+yes\s+0:1000/g)).toHaveLength(5);
    expect(out).toContain(
      'VP001 error: Namespace default annotation volsync.backube/privileged-movers="true"',
    );
  });

  it('answers version before loading the CLI, with what the version command prints', async () => {
    const { runCliCaptured } = await import('./run-cli.js');
    const fast = execFileSync(process.execPath, [bin, 'version']).toString();
    expect(fast).toBe((await runCliCaptured(['version'])).stdout);
    // with any flag it is the command itself
    const json = execFileSync(process.execPath, [bin, 'version', '-o', 'json']).toString();
    expect(JSON.parse(json)).toHaveProperty('version');
    // the entry answers it without loading a module: it does so with none beside it
    const alone = mkdtempSync(join(tmpdir(), 'entry-alone-'));
    copyFileSync(bin, join(alone, 'kubectl-volsync_perms'));
    copyFileSync(join(dirname(bin), 'package.json'), join(alone, 'package.json'));
    const bare = execFileSync(process.execPath, [join(alone, 'kubectl-volsync_perms'), 'version']);
    expect(bare.toString()).toBe(fast);
  });

  it('prints one order whatever the locale: under cs_CZ, where "ch" follows "h", as under C', () => {
    const mover = (ns: string) =>
      `apiVersion: volsync.backube/v1alpha1\nkind: ReplicationSource\nmetadata:\n  name: app\n  namespace: ${ns}\nspec:\n  sourcePVC: app\n  restic:\n    repository: app-secret\n`;
    const input = ['h', 'chrony', 'db'].map(mover).join('---\n');
    const run = (locale: string) =>
      execFileSync(process.execPath, [bin, 'explain', '-A', '-f', '-', '--offline'], {
        input,
        env: { NO_COLOR: '1', PATH: process.env['PATH'] ?? '', LANG: locale, LC_ALL: locale },
      }).toString();
    const czech = run('cs_CZ.UTF-8');
    expect(czech).toBe(run('C'));
    expect(czech.match(/^(chrony|db|h)\b/gm)).toEqual(['chrony', 'db', 'h']);
  });

  it('exits 3 with one line and no stack trace on malformed input', () => {
    const r = spawnSync(process.execPath, [bin, 'explain', '-f', '-'], { input: 'kind: [\n' });
    expect(r.status).toBe(3);
    expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
    expect(r.stdout.toString()).toBe('');
  });

  it('reads a large kubectl List dump from stdin in bounded memory', () => {
    const item = (i: number) =>
      `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-${i}\n    namespace: default\n  data:\n    payload: "${'x'.repeat(900)}"\n`;
    const head =
      'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: default\n';
    const body = Array.from({ length: 52_000 }, (_, i) => item(i)).join('');
    const input = `${head}${body}kind: List\nmetadata:\n  resourceVersion: ""\n`;
    expect(input.length).toBeGreaterThan(50_000_000);
    // 96 MiB of heap for 50 MB of YAML: only a streaming reader fits.
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=96', bin, 'explain', '-A', '-f', '-'],
      { input, maxBuffer: 1 << 20 },
    );
    expect(r.stderr.toString()).toContain('No movers found in any namespace.');
    expect(r.status).toBe(0);
  });

  it('renders a kustomization with the real kubectl (-k)', () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'explain', '-A', '-k', 'test/fixtures/kustomize', '--offline'],
      {
        env: { NO_COLOR: '1', PATH: process.env['PATH'] ?? '' },
      },
    );
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toMatch(/apps\s+rs\/db\s+restic\s+no\s+999:999/);
  });
});
