import { readFileSync } from 'node:fs';
import { shellScriptsAsText } from './scripts/vitest-text-loader.js';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// Integration tests share one real API server, so files run one after another.
export default defineConfig({
  plugins: [shellScriptsAsText],
  define: { __VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/integration/**/*.test.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 1_800_000,
  },
});
