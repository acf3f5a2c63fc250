import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { golden, runCliCaptured } from './run-cli.js';

/**
 * Public repositories that run kopiur, rendered as Flux applies them, with their licences
 * (test/fixtures/corpus/kopiur/SOURCES.md); and a reduced Tanguille/cluster#3836.
 */
const corpus = 'test/fixtures/corpus/kopiur';
const trees = readdirSync(corpus, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const mixed = 'test/fixtures/kopiur/tanguille-3836.yaml';

const subjectsOf = (stdout: string) =>
  (
    JSON.parse(stdout) as {
      subjects: {
        kind: string;
        name: string;
        namespace: string;
        containers: { identity: { uid: number | null } }[];
        findings: { code: string }[];
      }[];
    }
  ).subjects;

describe('kopiur movers in real repositories (test/fixtures/corpus/kopiur)', () => {
  it('finds the seven rendered trees', () => {
    expect(trees).toHaveLength(7);
  });

  it.each(trees)('explain -A on %s', async (tree) => {
    const r = await runCliCaptured([
      'explain',
      '-A',
      '-f',
      join(corpus, tree),
      '--offline',
      '-o',
      'wide',
    ]);
    expect(r.code).toBe(0);
    await expect(golden(r)).toMatchFileSnapshot(`golden/kopiur/${tree}.txt`);
  });

  it.each(['Tanguille-cluster-177dc54', 'blackjid-home-ops'])(
    'explain --what-if migrate-kopiur on %s, a repository mid-migration',
    async (tree) => {
      const r = await runCliCaptured([
        'explain',
        '-A',
        '-f',
        join(corpus, tree),
        '--offline',
        '--what-if',
        'migrate-kopiur',
      ]);
      expect(r.code).toBe(0);
      await expect(golden(r)).toMatchFileSnapshot(`golden/kopiur/what-if-migrate-${tree}.txt`);
    },
  );

  it("Tanguille/cluster at 177dc54: the fork's KopiaMaintenance and kopiur's managed maintenance own one NFS repository (VP031)", async () => {
    const r = await runCliCaptured([
      'explain',
      '-A',
      '-f',
      join(corpus, 'Tanguille-cluster-177dc54'),
      '--offline',
      '-o',
      'json',
    ]);
    const s = subjectsOf(r.stdout).find((x) => x.kind === 'ClusterRepository');
    expect(s?.findings.map((f) => f.code)).toContain('VP031');
  });

  it('blackjid/home-ops disables kopiur maintenance beside the KopiaMaintenance: no second owner', async () => {
    const r = await runCliCaptured([
      'explain',
      '-A',
      '-f',
      join(corpus, 'blackjid-home-ops'),
      '--offline',
      '-o',
      'json',
    ]);
    const all = subjectsOf(r.stdout);
    expect(all.some((x) => x.kind === 'ClusterRepository')).toBe(false);
    expect(all.flatMap((x) => x.findings.map((f) => f.code))).not.toContain('VP031');
  });

  it('effective-uid snapshotpolicy/wizarr on Tanguille/cluster: root with DAC_READ_SEARCH, layer by layer', async () => {
    const r = await runCliCaptured([
      'effective-uid',
      'snapshotpolicy/wizarr',
      '-n',
      'media',
      '-f',
      join(corpus, 'Tanguille-cluster'),
      '--offline',
    ]);
    expect(r.code).toBe(0);
    await expect(golden(r)).toMatchFileSnapshot('golden/kopiur/effective-uid-wizarr.txt');
  });
});

describe('Tanguille/cluster#3836: fork movers at 568, kopiur maintenance at 65532, root_squash', () => {
  const argv = [
    'explain',
    '-A',
    '-f',
    mixed,
    '--offline',
    '--nfs-squash',
    'nas.lan:/mnt/tank/kopia=root_squash',
  ];

  it('names the kopiur maintenance that cannot read what the fork writes (VP011)', async () => {
    const r = await runCliCaptured([...argv, '-o', 'json']);
    const maint = subjectsOf(r.stdout).find((x) => x.kind === 'ClusterRepository');
    expect(maint?.namespace).toBe('kopiur-system');
    expect(maint?.containers[0]?.identity.uid).toBe(65532);
    expect(maint?.findings.map((f) => f.code)).toContain('VP011');
  });

  it('golden table', async () => {
    const r = await runCliCaptured(argv);
    expect(r.code).toBe(0);
    await expect(golden(r)).toMatchFileSnapshot('golden/kopiur/tanguille-3836.txt');
  });

  it('--kopiur-version rejects what is not a release', async () => {
    const r = await runCliCaptured([...argv, '--kopiur-version', 'latest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--kopiur-version latest: not a kopiur release');
  });
});
