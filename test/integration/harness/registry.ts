import { spawn, spawnSync } from 'node:child_process';
import { createSign, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { freePort } from './control-plane.js';

/**
 * How the registry authenticates. `none`: anonymous push and pull. `basic`: htpasswd, every
 * request needs the push credentials. `token`: the Docker token protocol against our token server,
 * which gives anonymous callers pull and the push credentials everything.
 */
export type RegistryAuthMode = 'none' | 'basic' | 'token';

/** One request the token server answered. */
export interface TokenRequest {
  /** The basic-auth user as sent (right password or not), undefined for an anonymous request. */
  user: string | undefined;
  /** The `scope` parameters as sent, e.g. `repository:app:pull,push`. */
  scopes: string[];
  /** HTTP status of the answer: 200, or 401 for wrong credentials. */
  status: number;
}

export interface TestRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  mode: RegistryAuthMode;
  /** The one user who may push (`basic` and `token`); unused in mode `none`. */
  credentials: { username: string; password: string };
  /** The token realm (mode `token` only). */
  tokenRealm: string | undefined;
  /** Requests to the token server so far, in order (empty unless mode `token`). */
  tokenRequests: TokenRequest[];
  /** The registry's own log so far (stderr; the access log included). */
  logs(): string;
  stop(): Promise<void>;
}

const SERVICE = 'volsync-perms-test-registry';
const ISSUER = 'volsync-perms-test-token-issuer';
/** What `docker login` stores as `identitytoken` for the push user (mode `token`). */
export const IDENTITY_TOKEN = 'identity-token-of-pusher';
const CREDENTIALS = { username: 'pusher', password: 'push-secret' };

/**
 * The registry tools directory (`registry`, `crane`, `htpasswd-bcrypt`): REGISTRY_TOOLS when
 * set, else built once from the Go module proxy by scripts/build-registry-tools.sh into a cache
 * outside the repository. Asynchronous because a cold build takes minutes and a test worker must
 * keep answering vitest meanwhile.
 */
export async function resolveRegistryTools(env = process.env): Promise<string> {
  if (env['REGISTRY_TOOLS']) return env['REGISTRY_TOOLS'];
  const child = spawn('bash', ['scripts/build-registry-tools.sh'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const dir = out.trim().split('\n').pop();
  if (code !== 0 || !dir) throw new Error('scripts/build-registry-tools.sh failed (see above)');
  return dir;
}

/** `USER:<bcrypt>`: the registry's htpasswd accepts bcrypt only, which Node does not have. */
function htpasswdLine(tools: string, username: string, password: string): string {
  const r = spawnSync(join(tools, 'htpasswd-bcrypt'), [username, password], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`htpasswd-bcrypt failed: ${r.stderr}${r.error?.message ?? ''}`);
  return r.stdout;
}

interface Signer {
  /** The certificate the registry trusts (its rootcertbundle). */
  certFile: string;
  sign(claims: object): string;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * An ES256 key and a self-signed certificate from openssl (node:crypto parses certificates but
 * cannot make one). The token carries the certificate in `x5c`; the registry accepts it because
 * the same certificate is its root bundle.
 */
function makeSigner(dir: string): Signer {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${ISSUER}`,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}${r.error?.message ?? ''}`);
  const key = readFileSync(keyFile, 'utf8');
  const x5c = new X509Certificate(readFileSync(certFile)).raw.toString('base64');
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', x5c: [x5c] }));
  return {
    certFile,
    sign: (claims) => {
      const input = `${header}.${b64url(JSON.stringify(claims))}`;
      // JWS wants the raw r||s signature, not DER (RFC 7518 §3.4).
      const sig = createSign('SHA256').update(input).sign({ key, dsaEncoding: 'ieee-p1363' });
      return `${input}.${b64url(sig)}`;
    },
  };
}

/** The user of a basic Authorization header, and whether they are the push user; none: undefined. */
function basicAuth(req: IncomingMessage): { user: string; valid: boolean } | undefined {
  const h = req.headers.authorization;
  if (!h?.startsWith('Basic ')) return undefined;
  const text = Buffer.from(h.slice(6), 'base64').toString();
  const colon = text.indexOf(':');
  const user = colon < 0 ? text : text.slice(0, colon);
  const password = colon < 0 ? '' : text.slice(colon + 1);
  return { user, valid: user === CREDENTIALS.username && password === CREDENTIALS.password };
}

/** What a scope grants: the push user everything asked for, anyone else repository pull only. */
function grant(scope: string, user: string | undefined) {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  const type = scope.slice(0, first).replace(/\(.*\)$/, '');
  const name = scope.slice(first + 1, last);
  const asked = scope.slice(last + 1).split(',');
  const actions = user ? asked : type === 'repository' ? asked.filter((a) => a === 'pull') : [];
  return actions.length ? { type, name, actions } : undefined;
}

/** The Docker token protocol (GET realm?service=&scope=...), as distribution's docs describe it. */
async function startTokenServer(signer: Signer, log: TokenRequest[]) {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://token.invalid');
    // the OAuth2 refresh-token grant (an identity token from docker login): form fields in the body
    let refreshed: string | undefined;
    if (req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      for (const [k, v] of form) if (k !== 'refresh_token') u.searchParams.append(k, v);
      refreshed = form.get('refresh_token') === IDENTITY_TOKEN ? CREDENTIALS.username : undefined;
    }
    const scopes = u.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    const auth = basicAuth(req) ?? (refreshed ? { user: refreshed, valid: true } : undefined);
    const user = auth?.valid ? auth.user : undefined;
    const reply = (status: number, body: object) => {
      log.push({ user: auth?.user, scopes, status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if ((req.method !== 'GET' && req.method !== 'POST') || u.pathname !== '/token') {
      reply(404, { errors: [{ code: 'NOT_FOUND', message: `${req.method} ${u.pathname}` }] });
      return;
    }
    if (auth && !auth.valid) {
      reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'wrong username or password' }] });
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const token = signer.sign({
      iss: ISSUER,
      sub: user ?? '',
      aud: u.searchParams.get('service') ?? SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: scopes.map((s) => grant(s, user)).filter((g) => g !== undefined),
    });
    reply(200, {
      token,
      access_token: token,
      expires_in: 300,
      issued_at: new Date(now * 1000).toISOString(),
    });
  };
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return { server, port: typeof a === 'object' && a ? a.port : 0 };
}

async function waitReady(url: string, exited: () => boolean, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    if (exited()) throw new Error('registry exited during startup');
    // 401 is ready too: /v2/ answers it in the auth modes.
    const status = await fetch(`${url}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200 || status === 401) return;
    if (Date.now() > until) throw new Error(`registry not ready after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the real distribution registry on a free loopback port (plain HTTP, filesystem storage in
 * a temp dir), plus our token server in mode `token`.
 */
export async function startRegistry(tools: string, mode: RegistryAuthMode): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'volsync-perms-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tokenRequests: TokenRequest[] = [];
  let tokenServer: Server | undefined;
  let tokenRealm: string | undefined;
  let auth: object | undefined;
  if (mode === 'basic') {
    const path = join(dir, 'htpasswd');
    writeFileSync(path, htpasswdLine(tools, CREDENTIALS.username, CREDENTIALS.password));
    auth = { htpasswd: { realm: SERVICE, path } };
  } else if (mode === 'token') {
    const signer = makeSigner(dir);
    const started = await startTokenServer(signer, tokenRequests);
    tokenServer = started.server;
    // `localhost`, not 127.0.0.1: go-containerregistry (crane) refuses a realm that is an IP
    // literal in a loopback or private range unless it is the registry's own host:port (SSRF
    // guard); a DNS name passes. A client under test should treat both alike.
    tokenRealm = `http://localhost:${started.port}/token`;
    auth = {
      token: {
        realm: tokenRealm,
        service: SERVICE,
        issuer: ISSUER,
        rootcertbundle: signer.certFile,
      },
    };
  }
  const configFile = join(dir, 'config.yml');
  writeFileSync(
    configFile,
    dump({
      version: '0.1',
      log: { level: 'info', formatter: 'text' },
      storage: {
        filesystem: { rootdirectory: join(dir, 'data') },
        // For pushManifestWithMissingConfig: the registry refuses a manifest whose blobs it does
        // not have, so the config blob is deleted after the push.
        delete: { enabled: true },
        maintenance: { uploadpurging: { enabled: false } },
      },
      http: { addr: host, secret: randomBytes(16).toString('hex') },
      ...(auth && { auth }),
    }),
  );

  // A clean environment: the registry reads REGISTRY_* overrides from it, and OpenTelemetry's
  // default exporter would dial localhost:4318.
  const child = spawn(join(tools, 'registry'), ['serve', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', OTEL_TRACES_EXPORTER: 'none' },
  });
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-200_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (e) => {
    keep(Buffer.from(`spawn: ${e.message}\n`));
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (!exited() && child.pid !== undefined) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    if (tokenServer) {
      const s = tokenServer;
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://${host}`;
  try {
    await waitReady(url, exited, 30_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\nregistry log:\n${log.slice(-4000)}`);
  }
  return {
    url,
    host,
    mode,
    credentials: { ...CREDENTIALS },
    tokenRealm,
    tokenRequests,
    logs: () => log,
    stop,
  };
}
