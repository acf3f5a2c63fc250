import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixCapabilities } from '../../src/core/plans/fix-job.js';

// The repair script of fix-job, run for real as root on a sandbox directory, under the exact
// capability set and primary group the Job gives it (setpriv: bounding set = the Job's caps,
// no_new_privs as allowPrivilegeEscalation=false).
const script = 'src/core/plans/fix-ownership.sh';
// the tally walk the Job gives a chown repair as $1: the audit's
const walk = readFileSync('src/core/storage/audit-walk.pl', 'utf8');
const sandboxes: string[] = [];
const mounts: string[] = [];

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error('the repair script tests chown and mount for real: run them as root (CI does)');
});

afterEach(() => {
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
  for (const d of sandboxes.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sandbox(): string {
  const d = mkdtempSync(join(tmpdir(), 'vp-fix-'));
  sandboxes.push(d);
  const root = join(d, 'volume');
  mkdirSync(root);
  chownSync(root, 0, 0);
  return root;
}

function file(root: string, rel: string, uid: number, gid: number, mode = 0o644): string {
  const p = join(root, rel);
  writeFileSync(p, 'x');
  chownSync(p, uid, gid);
  chmodSync(p, mode);
  return p;
}

interface Run {
  code: number;
  out: string;
  summary: Record<string, number>;
}

function repair(
  root: string,
  env: Record<string, string>,
  caps: readonly string[] = fixCapabilities,
  path?: string,
): Run {
  // the Job's runAsGroup is the target GID; a malformed one never reaches a Job (the CLI refuses it)
  const gid = /^\d+$/.test(env['TARGET_GID'] ?? '') ? (env['TARGET_GID'] as string) : '0';
  const r = spawnSync(
    'setpriv',
    [
      '--reuid=0',
      `--regid=${gid}`,
      '--clear-groups',
      '--inh-caps=-all',
      `--bounding-set=-all,${caps.map((c) => `+${c.toLowerCase()}`).join(',')}`,
      '--no-new-privs',
      'bash',
      script,
      walk,
    ],
    { env: { PATH: path ?? process.env['PATH'], FIX_ROOT: root, ...env }, encoding: 'utf8' },
  );
  return result(r);
}

/** The script's exit code, output and its `summary:` counts. */
function result(r: SpawnSyncReturns<string>): Run {
  const m = /^summary: (.*)$/m.exec(r.stdout);
  const summary = Object.fromEntries(
    (m?.[1] ?? '').split(' ').map((kv) => {
      const [k = '', v = ''] = kv.split('=');
      return [k, Number(v)];
    }),
  );
  return { code: r.status ?? -1, out: r.stdout + r.stderr, summary };
}

/** The chmod repair: as the files' owner, without any capability (setpriv: empty bounding set). */
function repairAs(
  root: string,
  uid: number,
  gid: number,
  env: Record<string, string>,
  path?: string,
): Run {
  chmodSync(join(root, '..'), 0o755);
  const r = spawnSync(
    'setpriv',
    [
      `--reuid=${uid}`,
      `--regid=${gid}`,
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      'bash',
      script,
    ],
    { env: { PATH: path ?? process.env['PATH'], FIX_ROOT: root, ...env }, encoding: 'utf8' },
  );
  return result(r);
}

const modeOf = (p: string) => (lstatSync(p).mode & 0o7777).toString(8);

const owner = (p: string) => {
  const s = lstatSync(p);
  return `${s.uid}:${s.gid}`;
};
const to1000 = { TARGET_UID: '1000', TARGET_GID: '1000' };

describe('fix-ownership.sh (the fix-job repair script, run as root with the Job capabilities)', () => {
  it('gives every file not owned by the target its owner, and a second run changes nothing', () => {
    const root = sandbox();
    mkdirSync(join(root, 'a/b'), { recursive: true });
    file(root, 'root-owned', 0, 0, 0o600);
    file(root, 'a/group-wrong', 1000, 0);
    file(root, 'a/b/other', 568, 568);
    file(root, 'a/already', 1000, 1000);
    const first = repair(root, to1000);
    expect(first.code, first.out).toBe(0);
    expect(first.summary).toEqual({ scanned: 7, changed: 6, failed: 0, 'skipped-mounts': 0 });
    for (const p of ['', 'root-owned', 'a', 'a/b', 'a/group-wrong', 'a/b/other', 'a/already'])
      expect(owner(join(root, p))).toBe('1000:1000');
    expect(first.out).toMatch(/^root: 1000:1000 755$/m);
    const second = repair(root, to1000);
    expect(second.summary).toEqual({ scanned: 7, changed: 0, failed: 0, 'skipped-mounts': 0 });
  });

  it('--only-uid 0 changes only what root wrote, the incident case', () => {
    const root = sandbox();
    chownSync(root, 1000, 1000);
    file(root, 'index-blob', 0, 1000, 0o600);
    file(root, 'someone-else', 568, 568);
    const r = repair(root, { ...to1000, ONLY_UID: '0' });
    expect(r.summary['changed']).toBe(1);
    expect(owner(join(root, 'index-blob'))).toBe('1000:1000');
    expect(owner(join(root, 'someone-else'))).toBe('568:568');
  });

  it('ONLY_OWNERS (fix-job --from-audit) changes exactly the files of the owners an audit found', () => {
    const root = sandbox();
    chownSync(root, 1000, 1000);
    file(root, 'root-blob', 0, 1000, 0o600);
    file(root, 'root-root', 0, 0, 0o600);
    file(root, 'app', 568, 568);
    const r = repair(root, { ...to1000, ONLY_OWNERS: '0:1000 568:568' });
    expect(r.code, r.out).toBe(0);
    expect(r.summary['changed']).toBe(2);
    expect([
      owner(join(root, 'root-blob')),
      owner(join(root, 'root-root')),
      owner(join(root, 'app')),
    ]).toEqual(['1000:1000', '0:0', '1000:1000']);
  });

  it('FIX_OP=chmod: the owner, without capabilities, gives its files the group and the mode; others stay', () => {
    const root = sandbox();
    chownSync(root, 1001, 1000);
    chmodSync(root, 0o700);
    mkdirSync(join(root, 'p'));
    chownSync(join(root, 'p'), 1001, 1001);
    chmodSync(join(root, 'p'), 0o700);
    file(root, 'p/blob', 1001, 1001, 0o600);
    file(root, 'theirs', 1000, 1000, 0o600);
    symlinkSync('p/blob', join(root, 'link'));
    execFileSync('chown', ['-h', '1001:1001', join(root, 'link')]);
    const env = { FIX_OP: 'chmod', CHMOD_MODE: 'g+rX', TARGET_GID: '1000' };
    const r = repairAs(root, 1001, 1000, env);
    expect(r.code, r.out).toBe(0);
    expect([owner(join(root, 'p/blob')), modeOf(join(root, 'p/blob'))]).toEqual([
      '1001:1000',
      '640',
    ]);
    expect([owner(join(root, 'p')), modeOf(join(root, 'p'))]).toEqual(['1001:1000', '750']);
    expect([owner(join(root, 'theirs')), modeOf(join(root, 'theirs'))]).toEqual([
      '1000:1000',
      '600',
    ]);
    expect(owner(join(root, 'link'))).toBe('1001:1001');
  });

  it('FIX_OP=chmod counts a directory it cannot list as a failure: files it never saw are not repaired', () => {
    const root = sandbox();
    chownSync(root, 1001, 1000);
    mkdirSync(join(root, 'private'));
    chmodSync(join(root, 'private'), 0o700);
    const r = repairAs(root, 1001, 1000, { FIX_OP: 'chmod', CHMOD_MODE: 'g+r' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/failed: .*private: cannot list it/);
  });

  it('VERIFY=1 never reports success when chown returned success but changed nothing (ganesha under all_squash)', () => {
    const root = sandbox();
    file(root, 'blob', 0, 1000, 0o600);
    const bin = mkdtempSync(join(tmpdir(), 'vp-bin-'));
    sandboxes.push(bin);
    writeFileSync(join(bin, 'chown'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const r = spawnSync('bash', [script, walk], {
      env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, FIX_ROOT: root, ...to1000, VERIFY: '1' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/failed: .*blob: still owned by 0:1000 after chown returned success/);
    expect(r.stdout).toMatch(/changed=0 failed=2/);
  });

  it('says every PROGRESS_SECONDS that a long chown -R still runs, and in which directory', () => {
    const root = sandbox();
    mkdirSync(join(root, 'p', 'a0'), { recursive: true });
    file(root, 'p/a0/blob', 0, 0, 0o600);
    // a chown that holds the directory it walks open for 2.5 s before the real one runs
    const bin = mkdtempSync(join(tmpdir(), 'vp-bin-'));
    sandboxes.push(bin);
    const chown = execFileSync('sh', ['-c', 'command -v chown'], { encoding: 'utf8' }).trim();
    const slow = `#!/bin/bash\nexec 9<"${join(root, 'p', 'a0')}"\nsleep 2.5\nexec 9<&-\nexec ${chown} "$@"\n`;
    writeFileSync(join(bin, 'chown'), slow, { mode: 0o755 });
    const r = repair(
      root,
      { ...to1000, PROGRESS_SECONDS: '1' },
      fixCapabilities,
      `${bin}:${process.env['PATH'] ?? ''}`,
    );
    expect(r.code, r.out).toBe(0);
    const ticks = r.out.match(/^progress: chown 0:0 -> 1000:1000: .*$/gm) ?? [];
    expect(ticks.slice(0, 2)).toEqual([
      'progress: chown 0:0 -> 1000:1000: 1s, in p/a0',
      'progress: chown 0:0 -> 1000:1000: 2s, in p/a0',
    ]);
    expect(owner(join(root, 'p', 'a0', 'blob'))).toBe('1000:1000');
    expect(r.summary['changed']).toBe(4);
  });

  it('refuses a PROGRESS_SECONDS that is not a whole number of seconds', () => {
    const r = repair(sandbox(), { ...to1000, PROGRESS_SECONDS: '0.5' });
    expect(r.code).toBe(2);
    expect(r.out).toContain('PROGRESS_SECONDS must be numbers');
  });

  it('changes a symlink itself and never the file outside the volume it points to', () => {
    const root = sandbox();
    const outside = file(join(root, '..'), 'outside-secret', 0, 0, 0o600);
    symlinkSync(outside, join(root, 'link'));
    mkdirSync(join(root, '..', 'outside-dir'));
    file(join(root, '..'), 'outside-dir/inner', 0, 0);
    symlinkSync(join(root, '..', 'outside-dir'), join(root, 'dirlink'));
    const r = repair(root, to1000);
    expect(r.code, r.out).toBe(0);
    expect(owner(join(root, 'link'))).toBe('1000:1000');
    expect(owner(outside)).toBe('0:0');
    expect(owner(join(root, '..', 'outside-dir/inner'))).toBe('0:0');
  });

  it('leaves a filesystem mounted inside the volume alone, its mount point included', () => {
    const root = sandbox();
    const mnt = join(root, 'nested');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', mnt]);
    mounts.push(mnt);
    file(mnt, 'inside', 0, 0);
    for (const only of [{}, { ONLY_UID: '0' }] as Record<string, string>[]) {
      const r = repair(root, { ...to1000, ...only });
      expect(r.summary, JSON.stringify(only)).toMatchObject({ 'skipped-mounts': 1 });
      expect(owner(mnt)).toBe('0:0');
      expect(owner(join(mnt, 'inside'))).toBe('0:0');
    }
    expect(owner(root)).toBe('1000:1000');
  });

  it('changes a hard-linked file once and counts it once', () => {
    const root = sandbox();
    const a = file(root, 'a', 0, 0);
    linkSync(a, join(root, 'b'));
    const r = repair(root, to1000);
    expect(r.summary).toMatchObject({ scanned: 3, changed: 2 });
    expect(owner(join(root, 'b'))).toBe('1000:1000');
  });

  it('copes with names holding spaces, newlines, leading dashes and glob characters', () => {
    const root = sandbox();
    const names = ['with space', 'new\nline', '-rf', '--help', '*', '[a]', 'quote\'"', '$(id)'];
    for (const n of names) file(root, n, 0, 0);
    mkdirSync(join(root, '-dir *'));
    file(root, '-dir */inner', 0, 0);
    const r = repair(root, to1000);
    expect(r.code, r.out).toBe(0);
    for (const n of [...names, '-dir *', '-dir */inner'])
      expect(owner(join(root, n)), n).toBe('1000:1000');
    expect(r.out).toContain(`changed: $'${root}/new\\nline'`);
  });

  it('puts back the setuid and setgid bits chown clears (this is what FOWNER is for)', () => {
    const root = sandbox();
    const suid = file(root, 'suid', 0, 0, 0o4755);
    const sgid = file(root, 'sgid', 0, 0, 0o2755);
    const r = repair(root, to1000);
    expect(r.code, r.out).toBe(0);
    expect(statSync(suid).mode & 0o7777).toBe(0o4755);
    expect(statSync(sgid).mode & 0o7777).toBe(0o2755);
    const without = sandbox();
    file(without, 'suid', 0, 0, 0o4755);
    const r2 = repair(without, to1000, ['CHOWN', 'DAC_OVERRIDE']);
    expect(r2.summary['failed']).toBe(1);
  });

  it('needs CHOWN: without it nothing changes and every failure is counted, exit 1', () => {
    const root = sandbox();
    file(root, 'x', 0, 0);
    const r = repair(root, to1000, ['DAC_OVERRIDE', 'FOWNER']);
    expect(r.code).toBe(1);
    expect(r.summary).toMatchObject({ changed: 0, failed: 2 });
    expect(r.out).toMatch(/^failed: .*Operation not permitted$/m);
    expect(owner(join(root, 'x'))).toBe('0:0');
  });

  it('FIX_MODE=count counts what would change on a read-only mount with DAC_OVERRIDE only', () => {
    const root = sandbox();
    mkdirSync(join(root, 'private'), { mode: 0o700 });
    chownSync(join(root, 'private'), 568, 568);
    file(root, 'private/x', 568, 568, 0o600);
    execFileSync('mount', ['--bind', root, root]);
    mounts.push(root);
    execFileSync('mount', ['-o', 'remount,ro,bind', root]);
    const r = repair(root, { ...to1000, FIX_MODE: 'count' }, ['DAC_OVERRIDE']);
    expect(r.code, r.out).toBe(0);
    expect(r.summary).toMatchObject({ scanned: 3, 'would-change': 3, failed: 0 });
    expect(owner(join(root, 'private/x'))).toBe('568:568');
  });

  it.each([
    ['TARGET_UID', '1000; touch /tmp/pwned'],
    ['TARGET_GID', '$(id)'],
    ['ONLY_UID', '-1'],
    ['TARGET_UID', '4294967295'],
  ])('refuses %s=%j with exit 2 and runs nothing', (name, value) => {
    const root = sandbox();
    file(root, 'x', 0, 0);
    const r = repair(root, { ...to1000, [name]: value });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^error: fix-ownership: /m);
    expect(owner(join(root, 'x'))).toBe('0:0');
  });

  it('the fast path says why it hands a tree to the careful walk, before changing anything', () => {
    const root = sandbox();
    file(root, 'suid', 0, 0, 0o4755);
    expect(repair(root, to1000).out).toContain(
      'fix-ownership: the careful walk: a setuid or setgid file to change',
    );
    // a setuid file already right needs nothing: the fast path keeps it
    const right = sandbox();
    file(right, 'suid', 1000, 1000, 0o4755);
    file(right, 'x', 0, 0);
    const r = repair(right, to1000);
    expect(r.out).not.toContain('the careful walk');
    expect(modeOf(join(right, 'suid'))).toBe('4755');
    // an image without perl: the same repair, by the careful walk
    const bin = mkdtempSync(join(tmpdir(), 'vp-bin-'));
    sandboxes.push(bin);
    for (const dir of (process.env['PATH'] ?? '').split(':'))
      for (const name of existing(dir))
        if (!name.startsWith('perl'))
          try {
            symlinkSync(join(dir, name), join(bin, name));
          } catch {
            // the first of a name on PATH wins, as for a shell
          }
    const noPerl = sandbox();
    file(noPerl, 'x', 0, 0);
    const without = repair(noPerl, to1000, fixCapabilities, bin);
    expect(without.out).toContain('fix-ownership: the careful walk: no perl for the tally walk');
    expect(without.summary).toEqual({ scanned: 2, changed: 2, failed: 0, 'skipped-mounts': 0 });
  });

  it('the fast path changes and counts a hard-linked file once, as the careful walk does', () => {
    const root = sandbox();
    linkSync(file(root, 'a', 0, 0), join(root, 'b'));
    file(root, 'c', 1000, 1000);
    linkSync(join(root, 'c'), join(root, 'd'));
    const r = repair(root, to1000);
    expect(r.out).not.toContain('the careful walk');
    expect(r.summary).toEqual({ scanned: 5, changed: 2, failed: 0, 'skipped-mounts': 0 });
    expect(r.out.match(/^changed: /gm)).toHaveLength(2);
  });

  it.each(Array.from({ length: 12 }, (_, seed) => seed))(
    'the fast path and the careful walk leave the same owners, modes and ctimes and print the same counts (random tree %i)',
    (seed) => {
      const env = {
        ...[
          to1000,
          { ...to1000, ONLY_UID: '0' },
          { ...to1000, ONLY_OWNERS: '0:1000 568:568' },
          { ...to1000, FIX_MODE: 'count' },
          { ...to1000, SHOW_PATHS: '3' },
          { TARGET_UID: '568', TARGET_GID: '0', VERIFY: '1' },
        ][seed % 6],
      } as Record<string, string>;
      // small batches, so both walks pool, slice and flush many times over a small tree
      env['BATCH_SIZE'] = String(1 + (seed % 3));
      const [fast, careful] = [randomTree(seed), randomTree(seed)];
      const [before, beforeFast] = [states(careful), states(fast)];
      const a = repair(fast, env);
      const b = repair(careful, { ...env, FIX_WALK: 'careful' });
      expect(a.out, a.out).not.toContain('the careful walk');
      expect([a.code, a.summary]).toEqual([b.code, b.summary]);
      const listing = (r: Run, root: string) => {
        const names = r.out
          .split('\n')
          .filter((l) => /^(changed|would-change): /.test(l))
          .map((l) => l.replace(root, 'ROOT'));
        const shown = Number(env['SHOW_PATHS'] ?? 20);
        const total = r.summary['changed'] ?? r.summary['would-change'] ?? 0;
        return total <= shown ? names.sort() : names.length;
      };
      expect(listing(a, fast)).toEqual(listing(b, careful));
      expect(a.out.match(/^(\.\.\. and \d+ more|root: .*)$/gm)).toEqual(
        b.out.match(/^(\.\.\. and \d+ more|root: .*)$/gm),
      );
      const [after, afterCareful] = [states(fast), states(careful)];
      expect(strip(after)).toEqual(strip(afterCareful));
      // what was already right is never touched: its ctime stays
      for (const [p, s] of Object.entries(afterCareful)) {
        const was = before[p];
        if (was !== undefined && s.owner === was.owner) {
          expect(s.ctime, p).toBe(was.ctime);
          expect(after[p]?.ctime, p).toBe(beforeFast[p]?.ctime);
        }
      }
    },
  );

  it('repairs 100,000 files and a second run changes none of them', () => {
    const root = sandbox();
    for (let d = 0; d < 100; d++) {
      const dir = join(root, `d${d}`);
      mkdirSync(dir);
      execFileSync('sh', ['-c', 'cd "$1" && seq 1 1000 | xargs touch', 'sh', dir]);
    }
    const first = repair(root, to1000);
    expect(first.summary).toEqual({
      scanned: 100_101,
      changed: 100_101,
      failed: 0,
      'skipped-mounts': 0,
    });
    expect(first.out).toMatch(/^\.\.\. and 100081 more$/m);
    // a progress line per 10,000 files walked, then one per owner class changed, for the log
    // fix-job --wait streams
    const progress = first.out.match(/^progress: scanned=\d+ changed=\d+ failed=0$/gm) ?? [];
    expect(progress).toHaveLength(11);
    progress.slice(0, 10).forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^progress: scanned=${i + 1}\\d{4} changed=0 `));
    });
    expect(progress.at(-1)).toBe('progress: scanned=100101 changed=100101 failed=0');
    expect(first.out).not.toContain('the careful walk');
    const second = repair(root, to1000);
    expect(second.summary['changed']).toBe(0);
  }, 300_000); // a correctness case, not a timing one: npm run bench measures the runtime
});

interface PathState {
  owner: string;
  mode: string;
  ctime: number;
}

/** Every path under root (relative), with its owner, mode and ctime (nanoseconds). */
function states(root: string): Record<string, PathState> {
  const out: Record<string, PathState> = {};
  const walk = (rel: string) => {
    const p = join(root, rel);
    const s = lstatSync(p, { bigint: true });
    out[rel] = {
      owner: `${s.uid}:${s.gid}`,
      mode: (s.mode & 0o7777n).toString(8),
      ctime: Number(s.ctimeNs % 10_000_000_000n),
    };
    if (s.isDirectory()) for (const e of readdirSync(p)) walk(rel === '' ? e : `${rel}/${e}`);
  };
  walk('');
  return out;
}

const strip = (m: Record<string, PathState>) =>
  Object.fromEntries(Object.entries(m).map(([p, s]) => [p, `${s.owner} ${s.mode}`]));

/** A small tree from a seed: nested directories, owners and modes of all kinds, symlinks in and
 * out, odd names; the same seed builds the same tree. */
function randomTree(seed: number): string {
  let x = seed * 2654435761 + 1;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const owners = [
    [0, 0],
    [0, 1000],
    [1000, 1000],
    [568, 568],
    [1000, 0],
    [568, 0],
  ] as const;
  const modes = [0o644, 0o600, 0o755, 0o700, 0o640];
  const names = ['a', 'b c', '-x', 'new\nline', '*', '.hidden', 'blob0123', 'q'];
  const root = sandbox();
  const [ru, rg] = owners[next(owners.length)] ?? [0, 0];
  chownSync(root, ru, rg);
  const fill = (dir: string, depth: number) => {
    const n = 1 + next(6);
    for (let i = 0; i < n; i++) {
      const name = `${names[next(names.length)]}${i}`;
      const [u, g] = owners[next(owners.length)] ?? [0, 0];
      const kind = next(10);
      if (kind < 2 && depth < 3) {
        const d = join(dir, name);
        mkdirSync(d);
        fill(d, depth + 1);
        chownSync(d, u, g);
        chmodSync(d, [0o755, 0o750, 0o700][next(3)] ?? 0o755);
      } else if (kind === 2) {
        symlinkSync(next(2) ? '../outside' : name, join(dir, name));
        execFileSync('chown', ['-h', `${u}:${g}`, join(dir, name)]);
      } else file(dir, name, u, g, modes[next(modes.length)]);
    }
  };
  fill(root, 0);
  return root;
}

/** The names in a directory of PATH, none if it cannot be read. */
function existing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
