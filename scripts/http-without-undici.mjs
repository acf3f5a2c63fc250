// ES modules that import node:http make Node build its ESM facade, which reads every export,
// and three of them (WebSocket, CloseEvent, MessageEvent) are getters that load Node's internal
// undici: ~30 ms of every cluster run, for classes nothing here uses (the ws package brings its
// own). The bundle gets node:http from process.getBuiltinModule instead, with every other export.
import { getBuiltinModule } from 'node:process';

const undiciBacked = new Set(['WebSocket', 'CloseEvent', 'MessageEvent']);

const exported = Object.keys(getBuiltinModule('node:http'))
  .filter((k) => !undiciBacked.has(k))
  .map((k) => `export const ${k} = http.${k};`)
  .join('\n');

export const httpWithoutUndici = {
  name: 'http-without-undici',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http$/ }, () => ({ path: 'http', namespace: 'node-http' }));
    b.onLoad({ filter: /.*/, namespace: 'node-http' }, () => ({
      contents: `const http = process.getBuiltinModule('node:http');\nexport default http;\n${exported}\n`,
    }));
    // a namespace import reading one of the left-out exports would read undefined: fail instead
    b.onEnd((result) => {
      const missing = result.warnings.filter((w) => /node-http/.test(JSON.stringify(w)));
      if (missing.length > 0)
        throw new Error(
          `node:http export left out but used: ${missing.map((w) => w.text).join('; ')}`,
        );
    });
  },
};
