import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What the suites beyond `npm test` need, hidden from the fresh clone's PATH: a newcomer's laptop
 * may have none of them (the README says `npm test` needs Node from npm, kubectl and git).
 */
const notOnALaptop = new Set([
  'tmux',
  'zsh',
  'fish',
  'perl',
  'setpriv',
  'gcc',
  'cc',
  'go',
  'openssl',
  'crane',
  'registry',
  'etcd',
  'kube-apiserver',
  'ganesha.nfsd',
  'rpcbind',
  'sudo',
]);

/** A PATH of one directory: links to every program of this PATH but those. */
function laptopPath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const d of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!d || d.includes('node_modules') || !existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (notOnALaptop.has(name) || /^perl5/.test(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(d, name), join(dir, name));
    }
  }
  return dir;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });

/**
 * A clone of this repository, with this checkout's uncommitted changes laid over it (none in CI's
 * clean checkout), so that it holds the tree as it will be committed.
 */
function freshClone(into: string): void {
  const repo = process.cwd();
  git(repo, 'clone', '--quiet', '--no-hardlinks', repo, into);
  const tree = git(repo, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')
    .split('\0')
    .filter((p) => p && existsSync(join(repo, p)));
  const keep = new Set(tree);
  for (const p of git(into, 'ls-files', '-z').split('\0'))
    if (p && !keep.has(p)) rmSync(join(into, p), { force: true });
  for (const p of tree) {
    const from = join(repo, p);
    const to = join(into, p);
    mkdirSync(dirname(to), { recursive: true });
    rmSync(to, { force: true });
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
}

describe("the README's two commands on a fresh clone", () => {
  it('git clone into an empty directory, then npm ci && npm test, as a user without root, tmux, zsh, fish or perl: green', () => {
    const root = mkdtempSync(join(tmpdir(), 'vp-fresh-'));
    chmodSync(root, 0o755);
    const clone = join(root, 'volsync-perms');
    const home = join(root, 'home');
    mkdirSync(home);
    try {
      freshClone(clone);
      expect(existsSync(join(clone, '..', 'shared'))).toBe(false);
      // npm ci from this machine's npm cache (the README's first command, as it is run here)
      const ci = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
        cwd: clone,
        encoding: 'utf8',
      });
      expect(ci.status, `${ci.stdout}${ci.stderr}`).toBe(0);
      // the rest as nobody when this runs as root (CI), with only a laptop's programs on PATH
      const asRoot = process.getuid?.() === 0;
      if (asRoot) execFileSync('chown', ['-R', '65534:65534', clone, home]);
      const env = [
        `HOME=${home}`,
        `PATH=${laptopPath(join(root, 'bin'))}`,
        'CI=true',
        'LANG=C.UTF-8',
      ];
      const npmTest = ['-i', ...env, 'npm', 'test'];
      const options = { cwd: clone, encoding: 'utf8', maxBuffer: 256 << 20 } as const;
      const test = asRoot
        ? spawnSync(
            'setpriv',
            ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', ...npmTest],
            options,
          )
        : spawnSync('env', npmTest, options);
      const out = `${test.stdout}${test.stderr}`;
      expect(test.status, out.slice(-20_000)).toBe(0);
      // eslint-disable-next-line no-control-regex -- vitest colours its summary
      expect(out.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests +\d+ passed \(\d+\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 1_800_000);
});
