import { execFile, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { InputError } from '../../errors.js';

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((ok, fail) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) ok(stdout.trim());
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        fail(new InputError('--diff-against: git is not on PATH; install git'));
      else fail(new InputError(stderr.trim().split('\n')[0] ?? err.message));
    });
  });
}

/**
 * The tree of `ref` written to a new temporary directory with `git archive` (the repository, its
 * index and work tree are only read), and where `paths` (files or directories of the work tree)
 * are in it.
 */
export async function readTreeAt(
  ref: string,
  paths: string[],
  cwd: string,
): Promise<{ dir: string; paths: string[] }> {
  const first = resolve(cwd, paths[0] ?? '.');
  let top;
  try {
    top = await git(['rev-parse', '--show-toplevel'], first);
  } catch {
    try {
      top = await git(['rev-parse', '--show-toplevel'], resolve(first, '..'));
    } catch {
      throw new InputError(
        `--diff-against ${ref}: ${paths[0] ?? '.'} is not in a git repository; run it in the repository's checkout`,
      );
    }
  }
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  } catch {
    throw new InputError(
      `--diff-against ${ref}: no such commit in ${top}; pass a branch, tag or commit (git fetch it first)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'volsync-perms-ref-'));
  await new Promise<void>((ok, fail) => {
    const archive = spawn('git', ['archive', '--format=tar', ref], { cwd: top });
    const tar = spawn('tar', ['-x', '-C', dir]);
    archive.stdout.pipe(tar.stdin);
    let err = '';
    archive.stderr.on('data', (b: Buffer) => (err += b.toString()));
    tar.stderr.on('data', (b: Buffer) => (err += b.toString()));
    tar.on('close', (code) => {
      if (code === 0) ok();
      else fail(new InputError(`--diff-against ${ref}: git archive failed: ${err.trim()}`));
    });
  });
  // git names the top by its real path
  return { dir, paths: paths.map((p) => join(dir, relative(top, realpathSync(resolve(cwd, p))))) };
}
