import { readFileSync } from 'node:fs';
import { shellScriptsAsText } from './scripts/vitest-text-loader.js';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// `npm run test:system` (run by .ci/run, which installs what they need): the tests that need more
// than `npm ci` and kubectl — root, tmux, zsh and fish, old Nodes from the npm registry, a fresh
// clone running the README's commands. They fail, never skip, where that is missing. One file at a
// time: the terminal tests wait for screens, and the fresh clone runs the whole npm test.
export default defineConfig({
  plugins: [shellScriptsAsText],
  define: { __VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/system/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
  },
});
