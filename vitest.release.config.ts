import { defineConfig } from 'vitest/config';

// The release archives and krew manifest, built by `npm run release` before these run.
export default defineConfig({
  test: {
    include: ['test/release/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
