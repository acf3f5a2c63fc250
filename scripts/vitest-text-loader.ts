import type { Plugin } from 'vitest/config';

/** Imports `*.sh` as its text, as esbuild's text loader does in the bundle (scripts/build.mjs). */
export const shellScriptsAsText: Plugin = {
  name: 'shell-scripts-as-text',
  transform(code, id) {
    return id.endsWith('.sh')
      ? { code: `export default ${JSON.stringify(code)};`, map: null }
      : null;
  },
};
