import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/core/report/types.js';
import { golden, runCliCaptured, sarifLocation } from './run-cli.js';

/**
 * rcdailey/home-ops as Flux renders it (issue 9), from the project's own fixtures (unmodified
 * trees with their licence, test/fixtures/corpus/README.md): the commit that put the
 * privileged-movers annotation on namespace default, and the one that took it off. kubectl
 * kustomize renders; the substitution is ours.
 */
const raw = 'test/fixtures/corpus/raw/rcdailey-home-ops';
const before = join(raw, 'd4e1bc3f-before', 'kubernetes');
const after = join(raw, 'c8d354ad-after', 'kubernetes');
const volsyncApps = ['bookstack', 'immich', 'opencloud', 'pocket-id', 'structurizr'];

async function report(tree: string): Promise<Report> {
  const r = await runCliCaptured(['explain', '-A', '--flux', tree, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

const movers = (rep: Report) => rep.subjects.filter((s) => s.mover !== null);
const uidOf = (s: Report['subjects'][number]) => s.containers[0]?.identity.uid;

describe('explain --flux on a Flux repository (rcdailey/home-ops)', () => {
  it('before the fix: every ReplicationSource and ReplicationDestination of the five volsync apps in default runs as UID 0, set by VolSync because of the annotation', async () => {
    const rep = await report(before);
    const inDefault = movers(rep).filter((s) => s.namespace === 'default');
    expect(inDefault.map((s) => `${s.kind}/${s.name}`).sort()).toEqual(
      volsyncApps
        .flatMap((a) => [`ReplicationDestination/${a}-dst`, `ReplicationSource/${a}`])
        .sort(),
    );
    for (const s of inDefault) {
      expect(uidOf(s), s.name).toBe(0);
      expect(s.findings.map((f) => f.code)).toContain('VP001');
      const override = s.containers[0]?.trace.find(
        (t) => t.layer === 'volsync' && t.field === 'runAsUser',
      );
      expect(override?.value, s.name).toBe(0);
    }
  });

  it('before the fix: movers of the other namespaces keep the UID their substitutions give them (VOLSYNC_PUID defaults to 1000)', async () => {
    const others = movers(await report(before)).filter((s) => s.namespace !== 'default');
    expect(others.length).toBeGreaterThan(20);
    for (const s of others) expect(uidOf(s), `${s.namespace}/${s.name}`).toBe(1000);
  });

  it('locates VP001 at the patch that adds the annotation in kubernetes/apps/default/kustomization.yaml (SARIF)', async () => {
    const r = await runCliCaptured(['explain', 'ns/default', '--flux', before, '-o', 'sarif']);
    // line 15: `      path: /metadata/annotations/volsync.backube~1privileged-movers`
    expect(sarifLocation(r.stdout, 'VP001')).toEqual({
      uri: join(before, 'apps/default/kustomization.yaml'),
      line: 15,
    });
  });

  it('after the fix: no mover runs as root', async () => {
    const all = movers(await report(after));
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((s) => uidOf(s) === 0).map((s) => s.name)).toEqual([]);
  });

  it('explain -A prints every namespace, with what could not be read as warnings', async () => {
    const r = await runCliCaptured(['explain', '-A', '--flux', before]);
    await expect(golden(r)).toMatchFileSnapshot('golden/flux/explain-before-all.txt');
  });

  it('--diff-against lists exactly the movers whose identity the change alters: the eight default movers back to 1000, structurizr removed', async () => {
    // a checkout whose HEAD is the commit before the fix and whose work tree is the fix
    const repo = mkdtempSync(join(tmpdir(), 'volsync-perms-flux-git-'));
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: repo,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
    };
    git('init', '-q');
    cpSync(before, join(repo, 'kubernetes'), { recursive: true });
    git('add', '-A');
    git('commit', '-qm', 'before');
    rmSync(join(repo, 'kubernetes'), { recursive: true });
    cpSync(after, join(repo, 'kubernetes'), { recursive: true });
    const flux = join(repo, 'kubernetes');
    const r = await runCliCaptured([
      'explain',
      '-A',
      '--flux',
      flux,
      '--diff-against',
      'HEAD',
      '-o',
      'json',
    ]);
    rmSync(repo, { recursive: true });
    expect(r.code, r.stderr).toBe(0);
    const diff = JSON.parse(r.stdout) as {
      changes: { kind: string; namespace: string; name: string; change: string }[];
    };
    const short = { ReplicationSource: 'rs', ReplicationDestination: 'rd' } as Record<
      string,
      string
    >;
    expect(
      diff.changes.map((c) => `${c.change} ${c.namespace}/${short[c.kind] ?? c.kind}/${c.name}`),
    ).toEqual([
      'changed default/rd/bookstack-dst',
      'changed default/rd/immich-dst',
      'changed default/rd/opencloud-dst',
      'changed default/rd/pocket-id-dst',
      'removed default/rd/structurizr-dst',
      'changed default/rs/bookstack',
      'changed default/rs/immich',
      'changed default/rs/opencloud',
      'changed default/rs/pocket-id',
      'removed default/rs/structurizr',
    ]);
  });
});
