import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './run-cli.js';

/** A monorepo's cluster folder whose manifests are symlinks into a shared folder. */
function monorepo(): { root: string; cluster: string } {
  const root = mkdtempSync(join(tmpdir(), 'vp-monorepo-'));
  const shared = join(root, 'shared');
  const cluster = join(root, 'clusters', 'home');
  mkdirSync(shared, { recursive: true });
  mkdirSync(cluster, { recursive: true });
  for (const f of ['namespace.yaml', 'db.yaml'])
    writeFileSync(join(shared, f), readFileSync(resolve('test/fixtures/kustomize', f)));
  for (const f of ['namespace.yaml', 'db.yaml']) symlinkSync(join(shared, f), join(cluster, f));
  return { root, cluster };
}

describe('explain -f DIR on symlinks', () => {
  it('reads manifests that are symlinks, as kubectl apply -f does, and says nothing when all was read', async () => {
    const { cluster } = monorepo();
    const r = await runCliCaptured(['explain', '-A', '-f', cluster]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^default\s+rs\/db\s+restic\s/m);
  });

  it('a directory whose manifests are all out of reach says why in one warning before the error', async () => {
    const { root, cluster } = monorepo();
    const d = join(root, 'only-links');
    mkdirSync(d);
    writeFileSync(join(d, 'README.md'), '# cluster\n');
    symlinkSync(cluster, join(d, 'home'));
    const r = await runCliCaptured(['explain', '-A', '-f', d]);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')).toEqual([
      'warning: -f: 2 paths under the directories not read: 1 not .yaml/.yml/.json, 1 symlinked directory (kubectl apply -f does not follow them either; pass one with its own -f); -v names them',
      `error: -f ${d}: no Kubernetes objects in the input; pass manifests with apiVersion and kind`,
      '',
    ]);
    const named = await runCliCaptured(['explain', '-A', '-f', join(d, 'home')]);
    expect(named.code).toBe(0);
  });
});
