import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { constants as os, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { squashModes, type SquashMode } from '../../../src/core/storage/nfs-squash.js';
import { freePort } from './control-plane.js';

// A real NFS server for the squash tests: nfs-ganesha (FSAL VFS) on 127.0.0.1, one export per
// squash mode, and a user-space libnfs client (nfsprobe.c) that sends any AUTH_SYS credential.
// Nothing is mounted in the kernel. Feasibility, config and quirks: shared/research/nfs-userspace.md.

/** The Debian packages the server and the probe need (also installed by .ci/run). */
export const nfsPackages = 'nfs-ganesha nfs-ganesha-vfs libnfs-utils libnfs-dev rpcbind';

export interface NfsExport {
  /** The exported directory on the server side (0777, owned by 0:0): stat it to see the truth. */
  dir: string;
  /**
   * The libnfs URL of `file` in this export as AUTH_SYS `uid`:`gid`. NFSv3 mounts the real path,
   * NFSv4 the pseudo path (nfs-userspace.md, "Mount paths differ by version").
   */
  url(file: string, uid: number, gid: number, version?: 3 | 4): string;
}

/** What one probe did: done (with its output), or refused with an errno name (EACCES, EPERM, ...). */
export type ProbeResult =
  { ok: true; stdout: string } | { ok: false; errno: string; message: string };

export interface NfsServer {
  exports: Record<SquashMode, NfsExport>;
  /** Anonymous_Uid / Anonymous_Gid of the root_squash and all_squash exports. */
  anon: { uid: number; gid: number };
  /** Runs one nfsprobe operation (`stat`, `cat`, `creat MODE`, `chown UID GID`, ...) on `url`. */
  probe(url: string, op: string, ...args: string[]): Promise<ProbeResult>;
  /** The server log so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface NfsServerOptions {
  anonUid?: number;
  anonGid?: number;
  /** How long to wait for the first answer. */
  readyTimeoutMs?: number;
}

const squashOption: Record<SquashMode, string> = {
  root_squash: 'Root_Squash',
  no_root_squash: 'No_Root_Squash',
  all_squash: 'All_Squash',
};

/** The sentinel the readiness probe stats. */
const READY_FILE = '.ready';

class NfsSetupError extends Error {
  override name = 'NfsSetupError';
}

/** `name` on PATH or in the sbin directories a non-login root shell may lack. */
function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const d of dirs.filter(Boolean)) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function requireExecutable(name: string, pkg: string): string {
  const found = findExecutable(name);
  if (found === undefined)
    throw new NfsSetupError(
      `error: ${name}: not found (package ${pkg}); install the NFS test packages: ` +
        `apt-get install -y --no-install-recommends ${nfsPackages} (.ci/run does)`,
    );
  return found;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      resolve(false);
    });
  });
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

async function terminate(child: ChildProcess, ms: number): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), ms);
  await gone;
  clearTimeout(t);
}

/**
 * rpcbind, which ganesha needs to register NFSv3 (it exits otherwise). One per host on port 111:
 * an already running one is reused and left alone; the one started here is returned for stop().
 */
async function ensureRpcbind(): Promise<ChildProcess | undefined> {
  if (await listening(111)) return undefined;
  const bin = requireExecutable('rpcbind', 'rpcbind');
  mkdirSync('/run/rpcbind', { recursive: true });
  const child = spawn(bin, ['-f'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
  for (let i = 0; i < 100; i++) {
    if (await listening(111)) return child;
    if (exited(child)) break;
    await sleep(50);
  }
  await terminate(child, 2000);
  throw new NfsSetupError(`error: rpcbind: not listening on port 111 after start; ${err.trim()}`);
}

/** Compiles nfsprobe.c into `dir` (not the repository); its errors name libnfs-dev. */
function buildProbe(dir: string): string {
  const source = fileURLToPath(new URL('./nfsprobe.c', import.meta.url));
  const out = join(dir, 'nfsprobe');
  const gcc = requireExecutable('gcc', 'gcc');
  const r = spawnSync(gcc, ['-O2', '-o', out, source, '-lnfs'], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new NfsSetupError(
      `error: nfsprobe.c: gcc failed (libnfs-dev missing?); apt-get install ${nfsPackages}\n` +
        `${r.stderr}${r.error?.message ?? ''}`,
    );
  return out;
}

/** The log's CRIT/MAJ/FATAL lines without the dbus and Kerberos noise (nfs-userspace.md), and its end. */
function logErrors(text: string): string {
  const lines = text.trimEnd().split('\n');
  const errors = lines.filter(
    (l) => /:(CRIT|MAJ|FATAL) :/.test(l) && !/DBUS|krb5|gssd|principal nfs/.test(l),
  );
  return `log errors:\n${errors.slice(0, 15).join('\n') || '-'}\nlog tail:\n${lines.slice(-5).join('\n')}\n`;
}

const errnoName = new Map<number, string>(
  Object.entries(os.errno).map(([name, n]) => [n, name] as const),
);

interface RawProbe {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runProbe(bin: string, args: string[]): Promise<RawProbe> {
  return new Promise((resolve) => {
    execFile(bin, args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
    });
  });
}

function ganeshaConfig(work: string, nfsPort: number, mntPort: number, anon: NfsServer['anon']) {
  const exports = squashModes.map((mode, i) => {
    const anonymous =
      mode === 'no_root_squash' ? '' : `Anonymous_Uid = ${anon.uid}; Anonymous_Gid = ${anon.gid};`;
    return `EXPORT {
  Export_Id = ${i + 1}; Path = ${join(work, 'exports', mode)}; Pseudo = /${mode};
  Access_Type = RW; SecType = sys; Protocols = 3, 4; Transports = TCP;
  Attr_Expiration_Time = 0; Squash = ${squashOption[mode]}; ${anonymous}
  FSAL { Name = VFS; }
}`;
  });
  return `# generated by test/integration/harness/nfs-server.ts
NFS_CORE_PARAM {
  Bind_addr = 127.0.0.1; NFS_Port = ${nfsPort}; MNT_Port = ${mntPort};
  Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; Protocols = 3, 4;
}
NFS_KRB5 { Active_krb5 = false; }
NFSV4 {
  Graceless = true; RecoveryBackend = fs; RecoveryRoot = ${join(work, 'recov')};
  Allow_Numeric_Owners = true; Only_Numeric_Owners = true;
}
LOG { Default_Log_Level = EVENT; }
${exports.join('\n')}
`;
}

/**
 * Starts nfs-ganesha on free loopback ports with one export per squash mode (anon 4242:4343
 * unless told otherwise), rpcbind first if none runs, and resolves once the server answers a
 * probe. Fails, naming the packages, when ganesha, rpcbind or libnfs-dev is missing; needs root
 * (FSAL VFS opens files by handle).
 */
export async function startNfsServer(options: NfsServerOptions = {}): Promise<NfsServer> {
  const anon = { uid: options.anonUid ?? 4242, gid: options.anonGid ?? 4343 };
  const ganesha = requireExecutable('ganesha.nfsd', 'nfs-ganesha');
  if (process.getuid?.() !== 0)
    throw new NfsSetupError(
      'error: nfs-ganesha: FSAL VFS needs root (open_by_handle_at); run the NFS tests as root (CI does)',
    );
  const work = mkdtempSync(join(tmpdir(), 'volsync-perms-nfs-'));
  chmodSync(work, 0o755);
  let rpcbind: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  const logFile = join(work, 'ganesha.log');
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (server) await terminate(server, 10_000);
    if (rpcbind) await terminate(rpcbind, 5000);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const probeBin = buildProbe(work);
    rpcbind = await ensureRpcbind();
    const [nfsPort, mntPort] = [await freePort(), await freePort()];
    mkdirSync(join(work, 'recov'));
    mkdirSync(join(work, 'run'));
    const exports = {} as Record<SquashMode, NfsExport>;
    for (const mode of squashModes) {
      const dir = join(work, 'exports', mode);
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777);
      exports[mode] = {
        dir,
        url: (file, uid, gid, version = 3) =>
          version === 3
            ? `nfs://127.0.0.1${dir}/${file}?version=3&nfsport=${nfsPort}&mountport=${mntPort}&uid=${uid}&gid=${gid}`
            : `nfs://127.0.0.1/${mode}/${file}?version=4&nfsport=${nfsPort}&uid=${uid}&gid=${gid}`,
      };
    }
    const conf = join(work, 'ganesha.conf');
    writeFileSync(conf, ganeshaConfig(work, nfsPort, mntPort, anon));
    writeFileSync(join(exports.no_root_squash.dir, READY_FILE), '');

    const child = spawn(
      ganesha,
      ['-F', '-f', conf, '-L', logFile, '-N', 'NIV_EVENT', '-p', join(work, 'run', 'ganesha.pid')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server = child;
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));

    // ready when a v3 stat answers (MOUNT, then NFS), which is what the tests do, not at a log line
    const timeout = options.readyTimeoutMs ?? 10_000;
    const until = Date.now() + timeout;
    const readyUrl = exports.no_root_squash.url(READY_FILE, 0, 0);
    for (;;) {
      const last = await runProbe(probeBin, [readyUrl, 'stat']);
      if (last.code === 0) break;
      // a config error (FSAL VFS not installed, a bad option) leaves ganesha running, exportless
      const text = log();
      const configError = /:CONFIG :CRIT :/.test(text);
      if (configError || exited(child) || Date.now() > until) {
        const why = /Failed to load FSAL/.test(text)
          ? `cannot load FSAL VFS (package nfs-ganesha-vfs); apt-get install ${nfsPackages}`
          : configError
            ? 'rejected its config (see the log errors)'
            : exited(child)
              ? `exited (${child.exitCode ?? child.signalCode})`
              : `did not answer within ${timeout} ms`;
        throw new NfsSetupError(
          `error: nfs-ganesha: ${why}; last probe: ${last.stdout.trim() || last.stderr.trim()}\n` +
            `${logErrors(text)}${stderr}`,
        );
      }
      await sleep(50);
    }

    const probe = async (url: string, op: string, ...args: string[]): Promise<ProbeResult> => {
      const r = await runProbe(probeBin, [url, op, ...args]);
      if (r.code === 0) return { ok: true, stdout: r.stdout };
      const m = /^ERR (\d+) (.*)$/m.exec(r.stdout);
      if (r.code !== 1 || !m)
        throw new Error(`nfsprobe ${op} ${url}: exit ${r.code}: ${r.stdout}${r.stderr}`);
      const n = Number(m[1]);
      return { ok: false, errno: errnoName.get(n) ?? `errno ${n}`, message: m[2] ?? '' };
    };
    return { exports, anon, probe, log, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
