import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/** `kubectl volsync-perms serve` running as its own process. */
export interface Serving {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`, from the line serve prints. */
  url: string;
  stderr: () => string;
}

const cli = join(process.cwd(), 'dist', 'kubectl-volsync_perms');
const running = new Set<ChildProcess>();

/** Kills what startServe started and is still running (afterAll). */
export function killServes(): void {
  for (const c of running) c.kill('SIGKILL');
}

/** serve on a free loopback port, without registry reads; resolves once it says where it serves. */
export async function startServe(
  kubeconfig: string,
  cacheDir: string,
  extra: string[] = [],
): Promise<Serving> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--listen', '127.0.0.1:0', '--offline', ...extra],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, XDG_CACHE_HOME: cacheDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  running.add(child);
  child.on('exit', () => running.delete(child));
  let err = '';
  child.stderr.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: string) => {
      err += c;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => {
      reject(new Error(`serve exited ${String(code)}: ${err}`));
    });
  });
  return { child, url, stderr: () => err };
}

/** SIGTERM, as Kubernetes stops a pod; resolves with the exit code. */
export async function stopServe(s: Serving): Promise<number | null> {
  s.child.kill('SIGTERM');
  const [code] = (await once(s.child, 'exit')) as [number | null];
  return code;
}

export const httpGet = async (url: string): Promise<{ status: number; body: string }> => {
  const r = await fetch(url);
  return { status: r.status, body: await r.text() };
};

/** Polls until `f` holds; returns how long it took, or throws naming `what`. */
export async function until(what: string, f: () => Promise<boolean>, ms = 15_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await f()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}
