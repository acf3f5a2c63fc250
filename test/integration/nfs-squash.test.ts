import { chmodSync, chownSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mayAccess,
  mayChmod,
  mayChown,
  type Access,
  type Actor,
  type FileMeta,
} from '../../src/core/storage/access.js';
import {
  resolveServerCredential,
  squashModes,
  type SquashMode,
} from '../../src/core/storage/nfs-squash.js';
import { startNfsServer, type NfsServer, type ProbeResult } from './harness/nfs-server.js';

// The squash and permission model (k8s-identity §4.3) held to a real NFS server: nfs-ganesha on
// loopback, one export per squash mode, probed by a libnfs client that sends any AUTH_SYS
// credential (shared/research/nfs-userspace.md). Each case asks the model first, then the server,
// and the server side is read with a plain stat of the exported directory. The model's 'ganesha'
// table is what is checked here; its 'kernel' table is read from fs/nfsd/auth.c, not measured.

const anon = { uid: 4242, gid: 4343 };
type Id = readonly [uid: number, gid: number];
type Version = 3 | 4;

/**
 * The model's view of caller `uid:gid`: the server credential after squashing, no capabilities
 * (they never travel over NFS), root powers exactly when the server grants them. libnfs sends no
 * supplementary groups, so the client credential has none.
 */
function modelActor(mode: SquashMode, [uid, gid]: Id): Actor {
  const c = resolveServerCredential(
    { uid, gid, groups: [] },
    { mode, anonUid: anon.uid, anonGid: anon.gid },
    'ganesha',
  );
  return { ...c, capabilities: [], root: c.root };
}

const meta = (type: FileMeta['type'], uid: number, gid: number, perm: number): FileMeta => ({
  type,
  uid,
  gid,
  perm,
});

const ownerOf = (path: string) => {
  const st = statSync(path);
  return `${st.uid}:${st.gid}`;
};
const outcome = (r: ProbeResult) => (r.ok ? 'ok' : r.errno);
/** What a refused check returns: EACCES for access, EPERM for chown and chmod (as on Linux). */
const expected = (allowed: boolean, refusal: 'EACCES' | 'EPERM') => (allowed ? 'ok' : refusal);
const verdict = (o: string) => (o === 'ok' ? 'succeeds' : `fails with ${o}`);
const ids = (id: Id) => id.join(':');

let nfs: NfsServer | undefined;
let startError: unknown;
let seq = 0;

// A server that cannot start (ganesha not installed, not root) fails every test with the reason,
// naming the packages; a throwing beforeAll would only mark them skipped.
beforeAll(async () => {
  try {
    nfs = await startNfsServer({ anonUid: anon.uid, anonGid: anon.gid });
  } catch (e) {
    startError = e;
  }
});

afterAll(async () => {
  await nfs?.stop();
});

function server(): NfsServer {
  if (!nfs) throw startError;
  return nfs;
}

/** A fresh file in the export of `mode`, arranged on the server side; returns its name and path. */
function arrange(mode: SquashMode, f: FileMeta, content: string) {
  const name = `f${++seq}`;
  const path = join(server().exports[mode].dir, name);
  writeFileSync(path, content);
  chownSync(path, f.uid, f.gid);
  chmodSync(path, f.perm);
  return { name, path };
}

const versions = (v: readonly Version[], modes = squashModes) =>
  modes.flatMap((mode) => v.map((version) => ({ mode, version })));

describe('nfs-ganesha squashes credentials as the model says', () => {
  const callers: Id[] = [
    [0, 0],
    [1000, 1000],
    [1234, 4321],
    [1000, 0],
    [0, 1000],
  ];
  const cases = versions([3, 4]).flatMap(({ mode, version }) =>
    callers.map((caller) => {
      const c = modelActor(mode, caller);
      return { mode, version, caller, owner: `${c.uid}:${c.gid}` };
    }),
  );

  it.each(cases)(
    '$mode: a file created as $caller.0:$caller.1 over NFSv$version is owned as the model says ($owner)',
    async ({ mode, version, caller }) => {
      const e = server().exports[mode];
      const st = statSync(e.dir);
      const dir = meta('d', st.uid, st.gid, st.mode & 0o7777);
      const actor = modelActor(mode, caller);
      const allowed = mayAccess(actor, dir, 'write') && mayAccess(actor, dir, 'execute');
      const predicted = allowed
        ? { outcome: 'ok', owner: `${actor.uid}:${actor.gid}` }
        : { outcome: 'EACCES' };

      const name = `new${++seq}`;
      const r = await server().probe(e.url(name, ...caller, version), 'creat', '644');
      const observed = r.ok
        ? { outcome: 'ok', owner: ownerOf(join(e.dir, name)) }
        : { outcome: outcome(r) };
      expect(observed).toEqual(predicted);
    },
  );
});

describe('nfs-ganesha checks read and write permission as the model says', () => {
  interface AccessCase {
    what: string;
    file: FileMeta;
    caller: Id;
    want: Extract<Access, 'read' | 'write'>;
  }
  const secret = meta('f', 1000, 1000, 0o600);
  const rootFile = meta('f', 0, 0, 0o644);
  const rootGroupFile = meta('f', 0, 0, 0o640);
  const checks: AccessCase[] = [
    { what: 'reading a 0600 file of 1000:1000', file: secret, caller: [0, 0], want: 'read' },
    { what: 'reading a 0600 file of 1000:1000', file: secret, caller: [1000, 1000], want: 'read' },
    { what: 'writing a 0644 file of 0:0', file: rootFile, caller: [0, 0], want: 'write' },
    // gid 0 of a non-root caller is squashed too: group access to a root-group file goes
    { what: 'reading a 0640 file of 0:0', file: rootGroupFile, caller: [1000, 0], want: 'read' },
  ];
  const cases = versions([3, 4]).flatMap(({ mode, version }) =>
    checks.map((c) => {
      const predicted = expected(mayAccess(modelActor(mode, c.caller), c.file, c.want), 'EACCES');
      return { ...c, mode, version, predicted, verdict: verdict(predicted), as: ids(c.caller) };
    }),
  );

  it.each(cases)(
    '$mode: $what as $as over NFSv$version $verdict, as the model says',
    async ({ mode, version, file, caller, want, predicted }) => {
      const before = want === 'read' ? 'the content\n' : 'before\n';
      const written = 'written by the probe\n';
      const { name, path } = arrange(mode, file, before);
      const url = server().exports[mode].url(name, ...caller, version);

      const r =
        want === 'read'
          ? await server().probe(url, 'cat')
          : await server().probe(url, 'write', written);
      const observed = {
        outcome: outcome(r),
        // what the caller read, or what the file holds after the write
        content: want === 'read' ? (r.ok ? r.stdout : null) : readFileSync(path, 'utf8'),
      };
      const ok = predicted === 'ok';
      expect(observed).toEqual({
        outcome: predicted,
        content: want === 'read' ? (ok ? before : null) : ok ? written : before,
      });
    },
  );
});

describe('nfs-ganesha answers ACCESS as the model says', () => {
  // ACCESS is how a client learns what the server allows before it opens or execs a file
  // (k8s-identity §4.3, nfs_permission); the only way to ask the server about execute.
  const files = [0o600, 0o644, 0o744].map((perm) => meta('f', 1000, 1000, perm));
  const callers: Id[] = [
    [0, 0],
    [1000, 1000],
    [1234, 4321],
  ];
  const mask = (allowed: (want: Access) => boolean) =>
    (['read', 'write', 'execute'] as const)
      .map((want, i) => (allowed(want) ? 'rwx'[i] : '-'))
      .join('');
  const cases = squashModes.flatMap((mode) =>
    files.flatMap((file) =>
      callers.map((caller) => {
        const actor = modelActor(mode, caller);
        const predicted = mask((want) => mayAccess(actor, file, want));
        return { mode, file, caller, predicted, perm: file.perm.toString(8), as: ids(caller) };
      }),
    ),
  );

  it.each(cases)(
    '$mode: ACCESS of a 0$perm file of 1000:1000 as $as over NFSv3 grants $predicted, as the model says',
    async ({ mode, file, caller, predicted }) => {
      const { name } = arrange(mode, file, 'x');
      const r = await server().probe(server().exports[mode].url(name, ...caller), 'access');
      expect(r).toEqual({ ok: true, stdout: `access=${predicted}\n` });
    },
  );
});

describe('nfs-ganesha allows chown and chmod as the model says (NFSv3)', () => {
  // NFSv3 only: libnfs's v4 chown and chmod OPEN the file first, and a squashed caller's OPEN
  // fails with NFS4ERR_ACCESS before the SETATTR is sent (nfs-userspace.md, "libnfs client quirks").
  const secret = meta('f', 1000, 1000, 0o600);
  const callers: Id[] = [
    [0, 0],
    [1000, 1000],
  ];
  /** Every squash mode × caller, with what the model says of `allowed`. */
  const table = (allowed: (a: Actor) => boolean) =>
    squashModes.flatMap((mode) =>
      callers.map((caller) => {
        const predicted = expected(allowed(modelActor(mode, caller)), 'EPERM');
        return { mode, caller, predicted, verdict: verdict(predicted), as: ids(caller) };
      }),
    );
  const chowns = table((a) => mayChown(a, secret, { uid: 0, gid: 0 }));

  it.each(chowns)(
    '$mode: chown of a 0600 file of 1000:1000 to 0:0 as $as $verdict, as the model says',
    async ({ mode, caller, predicted }) => {
      const { name, path } = arrange(mode, secret, 'x');
      const r = await server().probe(
        server().exports[mode].url(name, ...caller),
        'chown',
        '0',
        '0',
      );
      expect({ outcome: outcome(r), owner: ownerOf(path) }).toEqual({
        outcome: predicted,
        owner: predicted === 'ok' ? '0:0' : '1000:1000',
      });
    },
  );

  const chmods = table((a) => mayChmod(a, secret));

  it.each(chmods)(
    '$mode: chmod 0644 of a 0600 file of 1000:1000 as $as $verdict, as the model says',
    async ({ mode, caller, predicted }) => {
      const { name, path } = arrange(mode, secret, 'x');
      const r = await server().probe(server().exports[mode].url(name, ...caller), 'chmod', '644');
      expect({ outcome: outcome(r), perm: statSync(path).mode & 0o7777 }).toEqual({
        outcome: predicted,
        perm: predicted === 'ok' ? 0o644 : 0o600,
      });
    },
  );
});
