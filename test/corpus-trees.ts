import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { generateMovers } from '../bench/generate-movers.mjs';

const dirsUnder = (root: string, depth: number): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => (depth === 1 ? [join(root, d.name)] : dirsUnder(join(root, d.name), 1)));

/**
 * The fourteen real-world trees of test/fixtures/corpus, each as a directory to pass to `-f`: the
 * rendered Flux repositories (realworld/REPO/COMMIT) and the kopiur ones (kopiur/REPO).
 */
export const realWorldTrees = (): string[] => [
  ...dirsUnder('test/fixtures/corpus/realworld', 2),
  ...dirsUnder('test/fixtures/corpus/kopiur', 1),
];

/** The generated tree of bench/generate-movers.mjs at `dir`, made before the file's tests and removed after. */
export function generatedTree(dir: string, namespaces: number, movers: number): string {
  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    generateMovers(dir, namespaces, movers);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
