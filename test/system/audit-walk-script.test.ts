import { textOrder } from '../../src/core/text-order.js';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditClass, AuditSummary } from '../../src/core/storage/audit-summary.js';
import auditWalkScript from '../../src/core/storage/audit-walk.pl';
import { parseAuditLog } from '../../src/core/storage/parse-audit-log.js';

// The walker of `audit`, run for real as root on sandbox trees the way the Job runs it (`perl -e`
// with the bundled text), under the credential and capabilities the Job gives it (setpriv: UID 0,
// no groups, bounding set = the Job's caps, no_new_privs as allowPrivilegeEscalation=false), or as
// an unprivileged UID.
const script = 'src/core/storage/audit-walk.pl';
/** The audit Job's capabilities without --probe: it only reads; --probe adds SETUID and SETGID. */
const jobCapabilities = ['DAC_OVERRIDE'];
const sandboxes: string[] = [];
const mounts: string[] = [];

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error('the audit walker tests chown and mount for real: run them as root (CI does)');
});

afterEach(() => {
  for (const m of mounts.splice(0).reverse()) execFileSync('umount', [m]);
  for (const d of sandboxes.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A volume root under a fresh temp dir that any UID may reach. */
function sandbox(uid = 0, gid = 0, mode = 0o755): string {
  const d = mkdtempSync(join(tmpdir(), 'vp-audit-'));
  chmodSync(d, 0o755);
  sandboxes.push(d);
  const root = join(d, 'volume');
  mkdirSync(root);
  chownSync(root, uid, gid);
  chmodSync(root, mode);
  return root;
}

interface Meta {
  uid?: number;
  gid?: number;
  mode?: number;
  mtime?: number;
  content?: string;
}

function file(root: string, rel: string | Buffer, m: Meta = {}): string | Buffer {
  const p =
    typeof rel === 'string' ? join(root, rel) : Buffer.concat([Buffer.from(`${root}/`), rel]);
  writeFileSync(p, m.content ?? 'x');
  settle(p, m);
  return p;
}

function dir(root: string, rel: string, m: Meta = {}): string {
  const p = join(root, rel);
  mkdirSync(p);
  settle(p, m);
  return p;
}

function settle(p: string | Buffer, m: Meta): void {
  chownSync(p, m.uid ?? 0, m.gid ?? 0);
  chmodSync(p, m.mode ?? 0o644);
  if (m.mtime !== undefined) utimesSync(p, m.mtime, m.mtime);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface As {
  uid?: number;
  gid?: number;
  caps?: readonly string[];
  env?: Record<string, string>;
}

function audit(root: string, as: As = {}): Run {
  const uid = as.uid ?? 0;
  const caps = as.caps ?? (uid === 0 ? jobCapabilities : []);
  const r = spawnSync(
    'setpriv',
    [
      `--reuid=${uid}`,
      `--regid=${as.gid ?? uid}`,
      '--clear-groups',
      '--inh-caps=-all',
      `--bounding-set=${['-all', ...caps.map((c) => `+${c.toLowerCase()}`)].join(',')}`,
      '--no-new-privs',
      'perl',
      '-e',
      auditWalkScript,
      'audit-walk',
    ],
    { env: { PATH: process.env['PATH'], AUDIT_ROOT: root, ...as.env }, encoding: 'utf8' },
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function summary(root: string, as: As = {}): AuditSummary {
  const r = audit(root, as);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/warning|error/);
  return parseAuditLog(r.stdout, 'audit-walk.pl');
}

/** The classes without their samples: the walk meets files in directory order. */
const unsampled = (s: AuditSummary) =>
  s.classes.map((c): Omit<AuditClass, 'sample'> => {
    const { sample, ...rest } = c;
    expect(typeof sample).toBe('string');
    return rest;
  });
const sizeOf = (...paths: string[]) => paths.reduce((n, p) => n + lstatSync(p).size, 0);
const night = Date.UTC(2026, 2, 1) / 1000; // 2026-03-01T00:00:00Z

describe('audit-walk.pl (the audit Job walker, run as root with the Job capabilities)', () => {
  it('reproduces the incident: the files the privileged mover wrote stand out as one class and one span', () => {
    const root = sandbox(1000, 1000, 0o700);
    const kopia = { uid: 1000, gid: 1000, mode: 0o600 };
    dir(root, 'p0', { ...kopia, mode: 0o700 });
    dir(root, 'p1', { ...kopia, mode: 0o700 });
    const mine: string[] = [];
    // what the movers running as 1000 wrote: a day before, in two sittings
    for (let i = 0; i < 10; i++)
      mine.push(
        file(root, `p0/a${i}`, {
          ...kopia,
          mtime: night - 86400 + i * 60,
          content: 'a'.repeat(i),
        }) as string,
      );
    for (let i = 0; i < 5; i++)
      mine.push(file(root, `p1/b${i}`, { ...kopia, mtime: night - 5 * 3600 + i * 10 }) as string);
    // what the privileged mover (UID 0, runAsGroup 1000) wrote in the night, 00:00:25-00:00:58
    const root0: string[] = [];
    for (let i = 0; i < 12; i++)
      root0.push(
        file(root, `p0/x${i}`, {
          uid: 0,
          gid: 1000,
          mode: 0o600,
          mtime: night + 25 + i * 3,
          content: 'blob',
        }) as string,
      );
    const dirs = [root, join(root, 'p0'), join(root, 'p1')];
    dirs.forEach((d, i) => {
      utimesSync(d, night - 7200 + i, night - 7200 + i);
    });

    const s = summary(root);
    expect(s.root).toEqual({ uid: 1000, gid: 1000, perm: 0o700 });
    expect(s.auditor).toEqual({ uid: 0, gid: 0, groups: [], capabilities: ['DAC_OVERRIDE'] });
    const span = (from: number, to: number, count: number, bytes: number) => ({
      from,
      to,
      count,
      bytes,
    });
    const mineA = mine.slice(0, 10);
    const mineB = mine.slice(10);
    expect(unsampled(s)).toEqual([
      {
        type: 'f',
        uid: 0,
        gid: 1000,
        perm: 0o600,
        count: 12,
        bytes: 48,
        mtime: { min: night + 25, max: night + 58 },
        spans: [span(night + 25, night + 58, 12, 48)],
      },
      {
        type: 'd',
        uid: 1000,
        gid: 1000,
        perm: 0o700,
        count: 3,
        bytes: sizeOf(...dirs),
        mtime: { min: night - 7200, max: night - 7198 },
        spans: [span(night - 7200, night - 7198, 3, sizeOf(...dirs))],
      },
      {
        type: 'f',
        uid: 1000,
        gid: 1000,
        perm: 0o600,
        count: 15,
        bytes: 45 + 5,
        mtime: { min: night - 86400, max: night - 5 * 3600 + 40 },
        spans: [
          span(night - 86400, night - 86400 + 540, 10, sizeOf(...mineA)),
          span(night - 5 * 3600, night - 5 * 3600 + 40, 5, sizeOf(...mineB)),
        ],
      },
    ] satisfies Omit<AuditClass, 'sample'>[]);
    const rel = (p: string) => p.slice(root.length + 1);
    expect(root0.map(rel)).toContain(s.classes[0]?.sample);
    expect(['.', 'p0', 'p1']).toContain(s.classes[1]?.sample);
    expect(mine.map(rel)).toContain(s.classes[2]?.sample);
    expect(s.totals).toEqual({ entries: 30, bytes: sizeOf(...dirs, ...mine, ...root0) });
    expect(s).toMatchObject({
      denied: [],
      deniedOmitted: 0,
      mounts: [],
      mountsOmitted: 0,
      folded: null,
    });
    expect(s).not.toHaveProperty('probe');
    expect(s.filesystem?.type).toBe(
      execFileSync('findmnt', ['-n', '-o', 'FSTYPE', '-T', root], { encoding: 'utf8' }).trim(),
    );
  });

  it('names every file whatever its name: spaces, newlines, leading dashes, quotes, bytes that are not UTF-8', () => {
    const root = sandbox();
    const names = [
      'with space',
      'new\nline',
      '-rf',
      '--help',
      '*',
      'quote\'"\\',
      '$(id)',
      'tab\there',
      'é€🙂',
    ];
    // one owner each, so each name is the sample of its own class
    names.forEach((n, i) => file(root, n, { uid: 2000 + i }));
    file(root, Buffer.from([0x62, 0x61, 0x64, 0xff, 0x0a]), { uid: 2100 });
    dir(root, '-dir *', { uid: 2200, mode: 0o755 });
    file(root, '-dir */inner', { uid: 2201 });
    const s = summary(root);
    const sampleOf = (uid: number) => s.classes.find((c) => c.uid === uid)?.sample;
    names.forEach((n, i) => {
      expect(sampleOf(2000 + i)).toBe(n);
    });
    expect(sampleOf(2100)).toBe('bad\\xff\n');
    expect(sampleOf(2200)).toBe('-dir *');
    expect(sampleOf(2201)).toBe('-dir */inner');
    expect(s.totals.entries).toBe(names.length + 4);
  });

  it('counts a symlink as itself and never follows it out of the volume', () => {
    const root = sandbox();
    const outside = join(root, '..', 'outside');
    mkdirSync(outside);
    for (let i = 0; i < 5; i++) file(outside, `secret${i}`, { uid: 666 });
    symlinkSync(outside, join(root, 'dirlink'));
    symlinkSync(join(outside, 'secret0'), join(root, 'filelink'));
    lutimesSync(join(root, 'dirlink'), night, night);
    const s = summary(root);
    expect(s.classes.map((c) => [c.type, c.uid, c.count])).toEqual([
      ['d', 0, 1],
      ['l', 0, 2],
    ]);
    expect(s.classes[1]?.mtime.min).toBe(night);
    expect(s.totals.entries).toBe(3);
  });

  it('counts fifos and devices of one owner and mode as one class o', () => {
    const root = sandbox();
    execFileSync('mkfifo', ['-m', '0640', join(root, 'fifo')]);
    execFileSync('mknod', ['-m', '0640', join(root, 'null'), 'c', '1', '3']);
    for (const n of ['fifo', 'null']) lutimesSync(join(root, n), night + 1, night + 1);
    const o = summary(root).classes.filter((c) => c.type === 'o');
    expect(o).toEqual([
      {
        type: 'o',
        uid: 0,
        gid: 0,
        perm: 0o640,
        count: 2,
        bytes: 0,
        mtime: { min: night + 1, max: night + 1 },
        spans: [{ from: night + 1, to: night + 1, count: 2, bytes: 0 }],
        sample: 'fifo',
      },
    ]);
  });

  it('counts a file with two names once, bytes included', () => {
    const root = sandbox();
    const a = file(root, 'a', { content: 'hello' }) as string;
    linkSync(a, join(root, 'b'));
    dir(root, 'sub', { mode: 0o755 });
    linkSync(a, join(root, 'sub', 'c'));
    const s = summary(root);
    expect(s.classes.find((c) => c.type === 'f')).toMatchObject({ count: 1, bytes: 5 });
    expect(s.totals.entries).toBe(3);
  });

  it('AUDIT_FOR_FIX (the tally walk of fix-job) prints every path in hex and the entries listed, every name of a file', () => {
    const root = sandbox();
    const a = file(root, 'a b', { content: 'hello' }) as string;
    linkSync(a, join(root, 'b'));
    file(root, 'é', { uid: 568, gid: 568 });
    const r = audit(root, { env: { AUDIT_FOR_FIX: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const samples = [...r.stdout.matchAll(/"sample(Hex)?":"([^"]*)"/g)].map((m) => [m[1], m[2]]);
    expect(samples.every(([hex]) => hex === 'Hex')).toBe(true);
    // the sample of the linked file is whichever of its names the walk met first
    const decoded = samples.map(([, h]) => Buffer.from(h ?? '', 'hex').toString());
    expect(decoded.map((d) => (d === 'b' ? 'a b' : d)).sort()).toEqual(['.', 'a b', 'é']);
    expect(r.stdout).toMatch(/"t":"end",.*"entries":3,.*"listed":4\}$/m);
    // an audit's own log never has them: the parser of audit logs stays strict
    expect(audit(root).stdout).not.toMatch(/sampleHex|"listed"/);
  });

  it('reports a filesystem mounted inside the volume and does not enter it nor count its mount point', () => {
    const root = sandbox();
    file(root, 'outer');
    const mnt = dir(root, 'nested', { mode: 0o755 });
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', mnt]);
    mounts.push(mnt);
    for (let i = 0; i < 3; i++) file(mnt, `inside${i}`, { uid: 777 });
    const s = summary(root);
    expect(s.mounts).toEqual([{ path: 'nested', fstype: 'tmpfs' }]);
    expect(s.classes.map((c) => [c.type, c.uid, c.count])).toEqual([
      ['d', 0, 1],
      ['f', 0, 1],
    ]);
    // audited itself, the tmpfs is the filesystem, found through a symlink in the path as well
    expect(summary(mnt).filesystem).toMatchObject({ type: 'tmpfs', source: 'tmpfs' });
    const alias = join(root, '..', 'alias');
    symlinkSync(root, alias);
    expect(summary(`${alias}/nested/`).filesystem).toMatchObject({ type: 'tmpfs' });
  });

  it('reports what an auditor without DAC_OVERRIDE cannot list or search, with its owner and mode', () => {
    const root = sandbox(1000, 1000, 0o755);
    file(root, 'readable', { uid: 1000, gid: 1000 });
    dir(root, 'private', { uid: 4242, gid: 4242, mode: 0o700 });
    file(root, 'private/hidden', { uid: 4242, gid: 4242 });
    dir(root, 'listonly', { uid: 4242, gid: 4242, mode: 0o744 });
    file(root, 'listonly/unstatable', { uid: 4242, gid: 4242 });
    const s = summary(root, { uid: 1000 });
    expect(s.auditor).toEqual({ uid: 1000, gid: 1000, groups: [], capabilities: [] });
    expect([...s.denied].sort((a, b) => textOrder(a.path, b.path))).toEqual([
      {
        path: 'listonly',
        errno: 'search',
        message: 'Permission denied',
        uid: 4242,
        gid: 4242,
        perm: 0o744,
      },
      {
        path: 'private',
        errno: 'EACCES',
        message: 'Permission denied',
        uid: 4242,
        gid: 4242,
        perm: 0o700,
      },
    ]);
    // the denied directories themselves are counted, what they hold is not
    expect(s.totals.entries).toBe(4);
    // the Job's DAC_OVERRIDE reads them all
    const job = summary(root);
    expect(job.denied).toEqual([]);
    expect(job.totals.entries).toBe(6);
  });

  it('stays bounded: past 256 classes the smallest are folded, and the biggest all stay', () => {
    const root = sandbox();
    // 10 owners of 5 files each, 290 of one file each, and the root: 301 classes
    for (let u = 0; u < 10; u++)
      for (let i = 0; i < 5; i++) file(root, `big${u}-${i}`, { uid: 5000 + u });
    for (let u = 0; u < 290; u++) file(root, `small${u}`, { uid: 6000 + u, content: 'xy' });
    const r = audit(root);
    expect(r.code, r.stderr).toBe(0);
    const s = parseAuditLog(r.stdout, 'audit-walk.pl');
    expect(s.classes).toHaveLength(256);
    expect(s.folded).toEqual({ classes: 45, count: 45, bytes: 90 });
    expect(s.classes.filter((c) => c.count === 5).map((c) => c.uid)).toEqual(
      [...Array(10).keys()].map((u) => 5000 + u),
    );
    // on a tie, the classes that come first in the output stay: the lowest UIDs
    expect(s.classes.at(-1)?.uid).toBe(6000 + 244);
    expect(s.totals.entries).toBe(50 + 290 + 1);
    expect(r.stdout.split('\n').every((l) => l.length < 4096)).toBe(true);
  });

  it('splits spans where two mtimes are more than 5 minutes apart, not at 5 minutes', () => {
    const root = sandbox();
    [night + 7, night + 307, night + 608, night + 608].forEach((m, k) =>
      file(root, `f${k}`, { mtime: m }),
    );
    expect(summary(root).classes.find((c) => c.type === 'f')?.spans).toEqual([
      { from: night + 7, to: night + 307, count: 2, bytes: 2 },
      { from: night + 608, to: night + 608, count: 2, bytes: 2 },
    ]);
  });

  it('merges the closest spans of a class past 16, keeping the 15 widest gaps', () => {
    const root = sandbox();
    // 20 files, the gap before file k (k >= 1) 1000 + 100k seconds: the first four gaps go
    let t = night;
    const times = [...Array(20).keys()].map((k) => (t += k === 0 ? 0 : 1000 + 100 * k));
    times.forEach((m, k) => file(root, `f${k}`, { mtime: m }));
    const spans = summary(root).classes.find((c) => c.type === 'f')?.spans;
    expect(spans).toHaveLength(16);
    expect(spans?.[0]).toEqual({ from: times[0], to: times[4], count: 5, bytes: 5 });
    expect(spans?.slice(1).map((x) => [x.from, x.to, x.count])).toEqual(
      times.slice(5).map((m) => [m, m, 1]),
    );
  });

  it('gives the same summary when memory runs short and the buckets are merged on the way', () => {
    const root = sandbox();
    for (let d = 0; d < 4; d++) {
      dir(root, `d${d}`, { mode: 0o755, mtime: night });
      for (let i = 0; i < 50; i++)
        file(root, `d${d}/f${i}`, { uid: d % 2, mtime: night + (i % 25) * 400 + d });
    }
    utimesSync(root, night, night);
    const roomy = summary(root);
    const tight = summary(root, { env: { AUDIT_BUCKET_BUDGET: '3' } });
    expect({ ...tight, startedAt: 0, finishedAt: 0 }).toEqual({
      ...roomy,
      startedAt: 0,
      finishedAt: 0,
    });
    expect(roomy.classes.find((c) => c.type === 'f' && c.uid === 0)?.spans).toHaveLength(16);
  });

  it('prints progress on stderr only, and the merged log (kubectl logs) still parses', () => {
    const root = sandbox();
    for (let i = 0; i < 5; i++) file(root, `f${i}`);
    const r = audit(root, { env: { PROGRESS_EVERY: '2' } });
    expect(r.stderr.match(/^progress: entries=\d+$/gm)).toEqual([
      'progress: entries=2',
      'progress: entries=4',
      'progress: entries=6',
    ]);
    expect(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('vpaudit1 {')),
    ).toBe(true);
    const merged = r.stdout.split('\n').flatMap((l, i) => (i === 2 ? [r.stderr.trim(), l] : [l]));
    expect(parseAuditLog(merged.join('\n'), 'job/audit').totals.entries).toBe(6);
  });

  it.each([
    [
      'a missing root',
      (d: string) => join(d, 'none'),
      /^error: audit: .*none: No such file or directory; is the volume mounted there\?$/m,
    ],
    [
      'a file',
      (d: string) => file(d, 'plain') as string,
      /^error: audit: .*plain is not a directory; is the volume mounted there\?$/m,
    ],
    [
      'a symlink to a directory',
      (d: string) => (symlinkSync(d, join(d, 'link')), join(d, 'link')),
      /^error: audit: .*link is a symlink; mount the volume there/m,
    ],
  ])('refuses %s as the root with exit 2 and no record', (_label, make, message) => {
    const r = audit(make(sandbox()));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('ships what it runs: the text the CLI bundles is this file, using core Perl modules only', () => {
    expect(auditWalkScript).toBe(readFileSync(script, 'utf8'));
    const modules = [...auditWalkScript.matchAll(/^\s*(?:use|require) ([\w:]+)/gm)].map(
      (m) => m[1],
    );
    expect(new Set(modules)).toEqual(new Set(['strict', 'warnings', 'Errno', 'Fcntl', 'POSIX']));
  });
});

describe('audit-walk.pl --probe (AUDIT_PROBE=1), the one write the audit makes', () => {
  const probeEnv = { env: { AUDIT_PROBE: '1' } };
  const left = (root: string) => readdirSync(root).filter((n) => n.startsWith('.vpaudit-probe'));

  it('creates a file as UID 0 (the owner the filesystem gives it: 0) and removes it', () => {
    const root = sandbox();
    const s = summary(root, probeEnv);
    expect(s.probe).toEqual([{ uid: 0, gid: 0, created: true, observedUid: 0, observedGid: 0 }]);
    expect(left(root)).toEqual([]);
  });

  it('tries again as the owner of the root: refused without SETUID and SETGID, the owner with them', () => {
    const root = sandbox(1000, 1000, 0o755);
    expect(summary(root, probeEnv).probe).toEqual([
      { uid: 0, gid: 0, created: true, observedUid: 0, observedGid: 0 },
      { uid: 1000, gid: 1000, created: false, errno: 'EPERM' },
    ]);
    const caps = [...jobCapabilities, 'SETUID', 'SETGID'];
    expect(summary(root, { ...probeEnv, caps }).probe).toEqual([
      { uid: 0, gid: 0, created: true, observedUid: 0, observedGid: 0 },
      { uid: 1000, gid: 1000, created: true, observedUid: 1000, observedGid: 1000 },
    ]);
    expect(left(root)).toEqual([]);
  });

  it('records why it could not: EACCES for the owner on a root it may not write, EROFS read-only', () => {
    const root = sandbox(1000, 1000, 0o555);
    const caps = [...jobCapabilities, 'SETUID', 'SETGID'];
    expect(summary(root, { ...probeEnv, caps }).probe).toEqual([
      { uid: 0, gid: 0, created: true, observedUid: 0, observedGid: 0 },
      { uid: 1000, gid: 1000, created: false, errno: 'EACCES' },
    ]);
    execFileSync('mount', ['--bind', root, root]);
    mounts.push(root);
    execFileSync('mount', ['-o', 'remount,ro,bind', root]);
    expect(summary(root, { ...probeEnv, caps }).probe).toEqual([
      { uid: 0, gid: 0, created: false, errno: 'EROFS' },
      { uid: 1000, gid: 1000, created: false, errno: 'EROFS' },
    ]);
  });

  it('writes nothing without AUDIT_PROBE: the root keeps its mtime', () => {
    const root = sandbox();
    utimesSync(root, night, night);
    expect(summary(root).probe).toBeUndefined();
    expect(lstatSync(root).mtimeMs).toBe(night * 1000);
  });
});
