import { readFileSync } from 'node:fs';
import { shellScriptsAsText } from './scripts/vitest-text-loader.js';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// `npm run test:oracle` and `npm run oracle:record`: the real VolSync controllers (built from
// ../shared/volsync-src by scripts/build-volsync.sh) judge the tool's predictions. Each version
// gets its own etcd + kube-apiserver; one version at a time, the Go builds and the controller's
// rate limit (about 20 requests/s) set the pace.
export default defineConfig({
  plugins: [shellScriptsAsText],
  define: { __VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/oracle/**/*.live.test.ts'],
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
  },
});
