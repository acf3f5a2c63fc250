import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/core/report/types.js';
import { runCliCaptured } from './run-cli.js';

// a copy of test/fixtures/flux, edited as a reviewer would edit the repository
const repo = mkdtempSync(join(tmpdir(), 'volsync-perms-flux-gitops-'));
cpSync('test/fixtures/flux', repo, { recursive: true });
const flux = join(repo, 'kubernetes');
const kustomization = join(flux, 'apps/media/kustomization.yaml');
afterAll(() => {
  rmSync(repo, { recursive: true });
});

async function media(): Promise<
  { name: string; uid: number | null | undefined; privileged: boolean | null }[]
> {
  const r = await runCliCaptured(['explain', 'ns/media', '--flux', flux, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Report).subjects.map((s) => ({
    name: s.name,
    uid: s.containers[0]?.identity.uid,
    privileged: s.privileged,
  }));
}

describe('annotate on a Flux repository: the change as a kustomize patch', () => {
  it('prints a patch for the namespace kustomization that, once committed, makes the movers privileged', async () => {
    const r = await runCliCaptured([
      'annotate',
      'ns/media',
      '--privileged',
      '--flux',
      flux,
      '-o',
      'yaml',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# add to the patches of .*apps\/media\/kustomization\.yaml$/m);
    const { patches } = load(r.stdout) as { patches: unknown[] };
    const k = load(readFileSync(kustomization, 'utf8')) as Record<string, unknown>;
    writeFileSync(kustomization, dump({ ...k, patches }));
    expect(await media()).toEqual([
      { name: 'jellyfin', uid: 0, privileged: true },
      { name: 'legacy', uid: 0, privileged: true },
      { name: 'sonarr', uid: 0, privileged: true },
    ]);
  });

  it('removing it points at that patch, and deleting the patch restores the identities', async () => {
    const r = await runCliCaptured([
      'annotate',
      'ns/media',
      '--privileged=false',
      '--flux',
      flux,
      '-o',
      'yaml',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const line = readFileSync(kustomization, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('privileged-movers'));
    expect(r.stdout).toBe(
      `# delete the patch at ${relative(process.cwd(), kustomization)}:${line + 1}: it adds volsync.backube/privileged-movers\n`,
    );
    const k = load(readFileSync(kustomization, 'utf8')) as Record<string, unknown>;
    delete k['patches'];
    writeFileSync(kustomization, dump(k));
    expect(await media()).toEqual([
      { name: 'jellyfin', uid: 1000, privileged: false },
      { name: 'legacy', uid: 1000, privileged: false },
      { name: 'sonarr', uid: 2000, privileged: false },
    ]);
  });
});

describe('explain --diff-against on a Flux repository', () => {
  it('lists the mover a change to its postBuild variables alters, before and after (table)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volsync-perms-flux-diff-'));
    cpSync('test/fixtures/flux', dir, { recursive: true });
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'before');
    const ks = join(dir, 'kubernetes/apps/media/sonarr/ks.yaml');
    writeFileSync(
      ks,
      readFileSync(ks, 'utf8').replace('VOLSYNC_PUID: "2000"', 'VOLSYNC_PUID: "568"'),
    );
    const r = await runCliCaptured([
      'explain',
      '-A',
      '--flux',
      join(dir, 'kubernetes'),
      '--diff-against',
      'HEAD',
    ]);
    git('checkout', '-q', '--', '.');
    const clean = await runCliCaptured([
      'explain',
      '-A',
      '--flux',
      join(dir, 'kubernetes'),
      '--diff-against',
      'HEAD',
    ]);
    rmSync(dir, { recursive: true });
    expect(r.code, r.stderr).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('golden/flux/diff-against-table.txt');
    expect(clean.stdout).toBe('');
    expect(clean.stderr).toMatch(/No mover changes its identity against HEAD\.\n$/);
  });
});
