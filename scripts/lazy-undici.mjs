// client-node's KubeConfig imports undici at its top for its own fetch-based API clients; this
// tool only takes credentials and TLS from it (its requests go through node:https), yet every
// cluster run evaluated all of undici (~25 ms). client-node gets a stand-in that loads undici on
// first use, so what it builds with it is unchanged.
const standIn = `
let undici;
const load = () => (undici ??= require('undici'));
export class Agent { constructor(...a) { return new (load().Agent)(...a); } }
export class ProxyAgent { constructor(...a) { return new (load().ProxyAgent)(...a); } }
export const fetch = (...a) => load().fetch(...a);
`;

export const lazyUndici = {
  name: 'lazy-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.includes('@kubernetes/client-node')
        ? { path: 'undici', namespace: 'lazy-undici' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-undici' }, () => ({
      contents: standIn,
      resolveDir: process.cwd(),
    }));
  },
};
