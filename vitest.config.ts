import { readFileSync } from 'node:fs';
import { shellScriptsAsText } from './scripts/vitest-text-loader.js';
import { configDefaults, defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  plugins: [shellScriptsAsText],
  define: { __VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['cmd/**/*.test.ts', 'src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    // against a real API server: npm run test:integration; the release archives: npm run
    // test:release; what needs root, tmux, zsh, fish or downloads: npm run test:system; the real
    // VolSync controllers: npm run test:oracle (npm test reads their records)
    exclude: [
      ...configDefaults.exclude,
      'test/oracle/**/*.live.test.ts',
      'test/integration/**',
      'test/release/**',
      'test/system/**',
    ],
    testTimeout: 60_000,
  },
});
