import { lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * A stand-in for the repository in which files a kustomization reads but the checkout lacks (a
 * configMapGenerator's file left out of a partial checkout or a corpus) exist, empty, so the
 * objects around them can still be read. It is made of symbolic links to the repository, opened
 * into real directories only along the paths to the files it adds.
 */
export class ShadowRepository {
  constructor(
    private readonly root: string,
    readonly copy: string,
  ) {}

  /** Adds the missing file, empty; its repository path, or undefined when outside it or present. */
  provide(missing: string): string | undefined {
    const under = [this.root, this.copy].find((r) => missing.startsWith(r + sep));
    if (under === undefined) return undefined;
    const rel = relative(under, missing);
    const parts = rel.split(sep);
    let dir = '';
    for (const part of ['', ...parts.slice(0, -1)]) {
      dir = join(dir, part);
      this.open(dir);
    }
    const target = join(this.copy, rel);
    try {
      lstatSync(target);
      return undefined; // there already: the error was not about this checkout
    } catch {
      writeFileSync(target, '');
      return rel;
    }
  }

  /** Turns the link at `dir` (relative) into a real directory of links to its entries. */
  private open(dir: string): void {
    const at = join(this.copy, dir);
    try {
      if (lstatSync(at).isDirectory()) return;
      rmSync(at);
    } catch {
      // not made yet
    }
    mkdirSync(at, { recursive: true });
    let entries: string[] = [];
    try {
      entries = readdirSync(join(this.root, dir));
    } catch {
      // a directory the checkout lacks too
    }
    for (const e of entries) if (e !== '.git') symlinkSync(join(this.root, dir, e), join(at, e));
  }

  /** A path in the stand-in as the repository's own. */
  original(file: string): string {
    return file.startsWith(this.copy + sep) ? join(this.root, relative(this.copy, file)) : file;
  }
}
