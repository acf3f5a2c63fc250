import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from './parse-yaml.js';
import { notReadNote, readFilenames } from './read-sources.js';

const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/**
 * A temp tree from a table: `path: text` writes a file, `path: ['->', target]` makes a symlink
 * (target relative to the link, as `ln -s` takes it).
 */
function tree(entries: Record<string, string | ['->', string]>): string {
  const root = mkdtempSync(join(tmpdir(), 'vp-read-'));
  for (const [path, what] of Object.entries(entries)) {
    const p = join(root, path);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof what === 'string') {
      if (path.endsWith('/')) mkdirSync(p, { recursive: true });
      else writeFileSync(p, what);
    } else symlinkSync(what[1], p);
  }
  return root;
}

async function read(names: string[]) {
  const out: ParseResult = { objects: [], skipped: [], ignored: 0 };
  const notRead = await readFilenames(names, Readable.from([]), out);
  const rel = (p: string) => p.slice(dirname(names[0] ?? '').length + 1);
  return {
    names: out.objects.map((o) => o.metadata.name),
    files: out.objects.map((o) => rel(o.origin?.file ?? '')),
    notRead: notRead.map((x) => `${rel(x.path)}: ${x.reason}${x.code ? ` ${x.code}` : ''}`),
  };
}

describe('-f DIR (readFilenames)', () => {
  it('reads manifests that are symlinks to files elsewhere (a monorepo), as kubectl apply -f does, by the name of the link', async () => {
    const root = tree({
      'shared/apps/a.yaml': namespace('a'),
      'shared/apps/b.yml': namespace('b'),
      'shared/apps/c.txt': namespace('c'),
      'cluster/a.yaml': ['->', '../shared/apps/a.yaml'],
      'cluster/b.yml': ['->', '../shared/apps/b.yml'],
      'cluster/c.yaml': ['->', '../shared/apps/c.txt'],
    });
    const r = await read([join(root, 'cluster')]);
    expect(r.names).toEqual(['a', 'b', 'c']);
    expect(r.files).toEqual(['cluster/a.yaml', 'cluster/b.yml', 'cluster/c.yaml']);
    expect(r.notRead).toEqual([]);
  });

  it('does not follow a symlinked directory (kubectl walks without following them either) and counts it; one named with -f is read', async () => {
    const root = tree({
      'base/db.yaml': namespace('db'),
      'overlay/own.yaml': namespace('own'),
      'overlay/base': ['->', '../base'],
      'overlay/base.yaml': ['->', '../base'],
    });
    const r = await read([join(root, 'overlay')]);
    expect(r.names).toEqual(['own']);
    expect(r.notRead).toEqual([
      'overlay/base: symlinked directory',
      'overlay/base.yaml: symlinked directory',
    ]);
    expect((await read([join(root, 'overlay', 'base')])).names).toEqual(['db']);
  });

  it('a symlink loop cannot trap the walk: a link to an ancestor is a symlinked directory, a link to itself is unreadable (ELOOP)', async () => {
    const root = tree({
      'd/ns.yaml': namespace('ns'),
      'd/sub/up': ['->', '..'],
      'd/sub/self.yaml': ['->', 'self.yaml'],
    });
    const r = await read([join(root, 'd')]);
    expect(r.names).toEqual(['ns']);
    expect(r.notRead).toEqual([
      'd/sub/self.yaml: unreadable ELOOP',
      'd/sub/up: symlinked directory',
    ]);
  });

  it('reads a file reached by two paths (a symlink beside its target) once, and counts the other path', async () => {
    const root = tree({ 'd/a.yaml': namespace('a'), 'd/z-link.yaml': ['->', 'a.yaml'] });
    const r = await read([join(root, 'd')]);
    expect(r.names).toEqual(['a']);
    expect(r.notRead).toEqual(['d/z-link.yaml: same file as another path']);
    const twice = await read([join(root, 'd', 'a.yaml'), join(root, 'd', 'z-link.yaml')]);
    expect(twice.names).toEqual(['a']);
  });

  it('counts every path it does not read: other extensions, dot-entries, a dangling symlink (ENOENT)', async () => {
    const root = tree({
      'd/ns.yaml': namespace('ns'),
      'd/README.md': '# apps\n',
      'd/.sops.yaml': 'creation_rules: []\n',
      'd/.git/config': '',
      'd/gone.yaml': ['->', 'nowhere.yaml'],
    });
    const r = await read([join(root, 'd')]);
    expect(r.names).toEqual(['ns']);
    // in byte order, as kubectl walks a directory: upper case before lower, whatever the locale
    expect(r.notRead).toEqual([
      'd/.git: hidden',
      'd/.sops.yaml: hidden',
      'd/README.md: not .yaml/.yml/.json',
      'd/gone.yaml: unreadable ENOENT',
    ]);
  });
});

describe('the note on what -f directories held and was not read', () => {
  const notRead = [
    { path: 'd/README.md', reason: 'not .yaml/.yml/.json' as const },
    { path: 'd/x.md', reason: 'not .yaml/.yml/.json' as const },
    { path: 'd/base', reason: 'symlinked directory' as const },
    { path: 'd/gone.yaml', reason: 'unreadable' as const, code: 'ENOENT' },
  ];

  it('is one warning line counting them by reason, with how to read a symlinked directory', () => {
    expect(notReadNote(notRead, false)).toEqual([
      'warning: -f: 4 paths under the directories not read: 2 not .yaml/.yml/.json, 1 symlinked directory (kubectl apply -f does not follow them either; pass one with its own -f), 1 unreadable (ENOENT); -v names them',
    ]);
  });

  it('-v names each path', () => {
    expect(notReadNote(notRead, true).slice(1)).toEqual([
      'I -f: not read: d/README.md: not .yaml/.yml/.json',
      'I -f: not read: d/x.md: not .yaml/.yml/.json',
      'I -f: not read: d/base: symlinked directory',
      'I -f: not read: d/gone.yaml: unreadable (ENOENT)',
    ]);
  });

  it('is nothing when every path was read', () => {
    expect(notReadNote([], true)).toEqual([]);
  });
});
