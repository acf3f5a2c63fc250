import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request } from 'node:https';

/** A fault the real server will not produce on demand (DESIGN.md §7). */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'reset-mid-body' }
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  /** Requests whose path (with query) matches are faulted. */
  match: RegExp;
  fault: Fault;
  /** How many matching requests get the fault; then they pass. Infinity: all. */
  times: number;
}

export interface FaultProxy {
  url: string;
  /** Requests seen, by path, in order. */
  seen: string[];
  set(rules: FaultRule[]): void;
  close(): Promise<void>;
}

/**
 * Plain HTTP on loopback in front of the real HTTPS API server: forwards every request (with its
 * Authorization header) unless a rule injects a fault first.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  let rules: FaultRule[] = [];
  const seen: string[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse, cutBody: boolean) => {
    const headers = { ...req.headers };
    delete headers.host;
    const up = request(
      `${upstream}${req.url ?? '/'}`,
      { method: req.method, headers, rejectUnauthorized: false },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (!cutBody) {
          upRes.pipe(res);
          return;
        }
        upRes.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))));
          res.socket?.destroy();
          upRes.destroy();
        });
      },
    );
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push(path);
    const rule = rules.find((r) => r.times > 0 && r.match.test(path));
    if (!rule) {
      forward(req, res, false);
      return;
    }
    rule.times--;
    const f = rule.fault;
    if (f.kind === 'status') {
      res.writeHead(f.status, {
        'Content-Type': 'application/json',
        ...(f.retryAfter !== undefined && { 'Retry-After': String(f.retryAfter) }),
      });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          message: `injected ${f.status}`,
          code: f.status,
        }),
      );
    } else if (f.kind === 'reset-mid-body') forward(req, res, true);
    else
      setTimeout(() => {
        forward(req, res, false);
      }, f.ms);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    set: (r) => {
      rules = r.map((x) => ({ ...x }));
      seen.length = 0;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}
