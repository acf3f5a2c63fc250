import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';

// A directory that contains itself without a symlink: a bind mount (root only, as CI runs).
beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error('the directory loop is a bind mount: run this test as root (CI does)');
});

describe('explain -f DIR on a directory that contains itself (bind mount)', () => {
  it('walks it once, counts the loop in the note, and reports what it holds', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vp-loop-'));
    const d = join(root, 'apps');
    mkdirSync(join(d, 'sub', 'again'), { recursive: true });
    for (const f of ['namespace.yaml', 'db.yaml'])
      writeFileSync(join(d, f), readFileSync(resolve('test/fixtures/kustomize', f)));
    const again = join(d, 'sub', 'again');
    execFileSync('mount', ['--bind', d, again]);
    try {
      const r = await runCliCaptured(['explain', '-A', '-f', d, '-v']);
      expect(r.code).toBe(0);
      expect(r.stdout.match(/rs\/db/g)).toHaveLength(1);
      expect(r.stderr).toContain(
        'warning: -f: 1 path under the directories not read: 1 directory loop\n',
      );
      expect(r.stderr).toContain(`I -f: not read: ${again}: directory loop\n`);
    } finally {
      execFileSync('umount', [again]);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
