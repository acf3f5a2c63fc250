import type { Plugin } from 'vitest/config';

/**
 * Imports the Job scripts, `*.sh` and `*.pl`, as their text, as esbuild's text loader does in the
 * bundle (scripts/build.mjs).
 */
export const shellScriptsAsText: Plugin = {
  name: 'shell-scripts-as-text',
  transform(code, id) {
    return id.endsWith('.sh') || id.endsWith('.pl')
      ? { code: `export default ${JSON.stringify(code)};`, map: null }
      : null;
  },
};
