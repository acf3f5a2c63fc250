import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { freePort } from './control-plane.js';

/** Debian's prometheus and promtool (.ci/run installs the package); the test fails naming it. */
export function prometheusTool(name: 'prometheus' | 'promtool'): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found)
    throw new Error(`${name} not found: install Debian's prometheus (apt-get install prometheus)`);
  return found;
}

export interface PrometheusServer {
  url: string;
  /** The value of an instant query's vector, as [labels, value] pairs. */
  query(expr: string): Promise<[Record<string, string>, string][]>;
  stop(): void;
}

/**
 * A real Prometheus in `dir`, scraping `target` (host:port) every second and evaluating
 * `ruleFiles` every second, on a free loopback port.
 */
export async function startPrometheus(
  dir: string,
  target: string,
  ruleFiles: string[],
): Promise<PrometheusServer> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    dump({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ruleFiles,
      scrape_configs: [{ job_name: 'volsync-perms', static_configs: [{ targets: [target] }] }],
    }),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    prometheusTool('prometheus'),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited ${child.exitCode}: ${log.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 30_000)
      throw new Error(`prometheus not ready in 30 s: ${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    query: async (expr) => {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await r.json()) as {
        data?: { result?: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return (body.data?.result ?? []).map((x) => [x.metric, x.value[1]]);
    },
    stop: () => child.kill('SIGKILL'),
  };
}
