// client-node's KubeConfig imports its generated API clients (hundreds of classes, a megabyte of
// the bundle) for makeApiClient alone. This tool never calls it: its requests go through
// node:https with the credentials and TLS KubeConfig gives (src/adapters/cluster/client.ts).
// Evaluating them was ~27 ms of every cluster run, so config.js gets a stand-in that says so if
// it is ever used.
const standIn = `
const unused = () => {
  throw new Error('client-node API clients are not bundled: requests go through node:https (client.ts)');
};
export const createConfiguration = unused;
export class ServerConfiguration { constructor() { unused(); } }
`;

export const withoutGeneratedApi = {
  name: 'without-generated-api',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      /@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/.test(args.importer)
        ? { path: 'gen', namespace: 'without-generated-api' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'without-generated-api' }, () => ({ contents: standIn }));
  },
};
