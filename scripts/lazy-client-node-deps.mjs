// client-node's KubeConfig imports, at its top, undici (for its own fetch-based API clients) and
// the SOCKS proxy client (for a kubeconfig proxy-url of socks5://). This tool only takes
// credentials and TLS from it (its requests go through node:https and node:http2), yet every
// cluster run evaluated all of undici (~25 ms) and socks with its IP address parser (~8 ms).
// client-node gets stand-ins that load each on first use, so what it builds with them is
// unchanged.
const standIns = {
  undici: `
let undici;
const load = () => (undici ??= require('undici'));
export class Agent { constructor(...a) { return new (load().Agent)(...a); } }
export class ProxyAgent { constructor(...a) { return new (load().ProxyAgent)(...a); } }
export const fetch = (...a) => load().fetch(...a);
`,
  'socks-proxy-agent': `
let m;
const load = () => (m ??= require('socks-proxy-agent'));
export class SocksProxyAgent { constructor(...a) { return new (load().SocksProxyAgent)(...a); } }
`,
  socks: `
let m;
const load = () => (m ??= require('socks'));
export const SocksClient = { createConnection: (...a) => load().SocksClient.createConnection(...a) };
`,
};

export const lazyClientNodeDeps = {
  name: 'lazy-client-node-deps',
  setup(b) {
    b.onResolve({ filter: /^(undici|socks-proxy-agent|socks)$/ }, (args) =>
      args.importer.includes('@kubernetes/client-node') && args.namespace === 'file'
        ? { path: args.path, namespace: 'lazy-client-node-deps' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-client-node-deps' }, (args) => ({
      contents: standIns[args.path],
      resolveDir: process.cwd(),
    }));
  },
};
