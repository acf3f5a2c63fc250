import { createServer, type Server } from 'node:http';
import { KubeClient } from '../adapters/cluster/client.js';
import { loadTarget } from '../adapters/cluster/kubeconfig.js';
import { readWatchedKinds } from '../adapters/cluster/read-cluster.js';
import { FindingEvents } from '../adapters/cluster/finding-events.js';
import { watchKind } from '../adapters/cluster/watch.js';
import { ServeMetrics } from '../adapters/metrics/serve-metrics.js';
import { CliError, exitCodes, UsageError } from '../errors.js';
import type { Deps } from './deps.js';
import { connectionFlags, type GlobalArgs } from './global-options.js';
import { withRegistryFacts } from './image-facts.js';
import { parseRequestTimeout } from './request-timeout.js';
import { LiveState } from './serve-live.js';
import { imageUserFlags, isOffline } from './source.js';
import { nfsSquashFlags, readClusterAudits, withFlagFacts } from './storage-facts.js';
import { kopiurVersionFlag, volsyncVersionFlag } from './volsync-version-flag.js';

export interface ServeArgs extends GlobalArgs {
  listen: string;
  events: boolean;
}

/** `HOST:PORT`, `:PORT` (every interface) or `PORT`; port 0 picks a free one. */
export function parseListen(v: string): { host: string | undefined; port: number } {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (!m || port > 65535)
    throw new UsageError(
      `--listen ${JSON.stringify(v)}: use HOST:PORT, :PORT or PORT (e.g. 127.0.0.1:9713, :9713)`,
    );
  const host = m[1] === undefined || m[1] === '' ? undefined : m[1].replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** The global flags serve has no use for are usage errors, not silently dropped. */
function validateServe(a: ServeArgs): void {
  if (isOffline(a)) throw new UsageError('serve watches a cluster: drop -f, -k, --flux and --demo');
  if (a.namespace !== undefined || a['all-namespaces'])
    throw new UsageError(
      'serve watches every namespace: drop -n/-A (the metrics carry a namespace label)',
    );
  if (a['all-contexts'] || a.context.length > 1)
    throw new UsageError(
      'serve watches one cluster: pass one --context, and run one serve per cluster',
    );
  if (a['server-dry-run'])
    throw new UsageError(
      'serve does not create pods, even with dryRun: drop --server-dry-run (explain takes it)',
    );
  if (a['use-pull-secrets'])
    throw new UsageError(
      'serve reads no Secrets: drop --use-pull-secrets, or give its registries a docker config',
    );
}

/**
 * Watches every type explain reads and serves the report as Prometheus metrics on /metrics, with
 * /healthz and /readyz, until interrupted (SIGTERM, Ctrl-C). Read-only: it lists and watches,
 * and with --events writes an Event on the object of each finding that appears or clears.
 */
export async function runServe(a: ServeArgs, deps: Deps): Promise<number> {
  validateServe(a);
  const listen = parseListen(a.listen);
  const target = loadTarget(connectionFlags(a), deps.env);
  nfsSquashFlags(a);
  volsyncVersionFlag(a);
  kopiurVersionFlag(a);
  const client = new KubeClient(target, { timeoutMs: parseRequestTimeout(a['request-timeout']) });
  const { kinds, policyApis } = await readWatchedKinds(client);
  const audits = await readClusterAudits(deps, target.server);
  const metrics = new ServeMetrics();
  const log = (line: string, verbose: boolean) => {
    if (!verbose || a.v > 0) deps.stderr.write(`${line}\n`);
  };
  const events =
    a.events &&
    new FindingEvents(
      client,
      (line) => deps.stderr.write(`${line}\n`),
      (result) => {
        metrics.findingEvents.inc({ result });
      },
    );
  // the registries are read when images first appear (all of them with the first report), one
  // read at a time; images that appear meanwhile are read next
  let reading: Promise<void> | undefined;
  let again = false;
  const readImages = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      try {
        const facts = await withRegistryFacts(a, deps, state.snapshot(), imageUserFlags(a));
        if (!stop.signal.aborted) state.setImageFacts(facts.images);
      } catch (e) {
        log(
          `warning: registry: ${e instanceof Error ? e.message : String(e)}: images stay as the built-in table knows them`,
          false,
        );
      }
    })().finally(() => {
      reading = undefined;
      if (again && !stop.signal.aborted) {
        again = false;
        readImages();
      }
    });
  };
  const state = new LiveState(kinds, metrics, {
    onNewImages: readImages,
    ...(events && {
      onFindingChange: (change, object) => {
        events.add(change, object);
      },
    }),
    policyApis,
    volsyncNamespace: a['volsync-namespace'],
    imageFlags: imageUserFlags(a),
    withFacts: (s) => withFlagFacts(a, s, { audits }),
    now: () => performance.timeOrigin + performance.now(),
    log,
  });
  const stop = new AbortController();
  const release = deps.interrupt?.hold();
  deps.interrupt?.signal.addEventListener('abort', () => {
    stop.abort();
  });
  const server = await listenOn(listen, async (path) => {
    if (path === '/metrics') {
      // one exposition: the identity families, then prom-client's, which end with `# EOF`
      const health = await metrics.registry.metrics();
      return {
        status: 200,
        type: metrics.registry.contentType,
        body: state.exposition.render() + health,
      };
    }
    if (path === '/healthz') return { status: 200, type: 'text/plain', body: 'ok\n' };
    if (path === '/readyz')
      return state.ready
        ? { status: 200, type: 'text/plain', body: 'ok\n' }
        : { status: 503, type: 'text/plain', body: `listing: ${state.waitingFor().join(', ')}\n` };
    return { status: 404, type: 'text/plain', body: 'not found: /metrics, /healthz, /readyz\n' };
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  deps.stderr.write(
    `serving http://${listen.host ?? '0.0.0.0'}:${port}/metrics: watching ${kinds.length} types in cluster ${target.server} (context ${target.context})\n`,
  );
  const watchOpts = { timeoutSeconds: 300, backoffMs: 500, maxBackoffMs: 30_000 };
  const watches = kinds.map((k) => watchKind(client, k, state, stop.signal, watchOpts));
  await Promise.all(watches);
  await reading;
  if (events) await events.idle();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  release?.();
  return 0;
}

type Answer = { status: number; type: string; body: string };

async function listenOn(
  at: { host: string | undefined; port: number },
  answer: (path: string) => Promise<Answer>,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    answer(path).then(
      (a) =>
        res
          .writeHead(a.status, { 'Content-Type': a.type })
          .end(req.method === 'HEAD' ? undefined : a.body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        new CliError(
          `--listen ${at.host ?? ''}:${at.port}: ${e.code ?? e.message}; pass a free port (or 0 for any) and an address of this machine`,
          exitCodes.usage,
        ),
      );
    });
    server.listen(at.port, at.host, () => {
      resolve();
    });
  });
  return server;
}
