// Builds the container image of `serve` (deploy/base) without docker: an OCI image layout in
// release/image/, one image per platform (linux/amd64, linux/arm64) under one index, each of two
// layers: a distroless-style base (the Debian packages the standalone executable links against,
// pinned in scripts/image-base.json, plus /etc/passwd and /etc/group with nonroot 65532) and the
// standalone executable `npm run release` built. Layers are reproducible tars (fixed order, owner
// and time, gzip without timestamp): the same inputs give the same digests. Push it with
// `crane push release/image REF` (go-containerregistry).
//
//   node scripts/build-image.mjs                 after npm run release
//   node scripts/build-image.mjs --out DIR       elsewhere than release/image
//   node scripts/build-image.mjs --update-pins   pins the newest bookworm packages again
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

const pkg = JSON.parse(await readFile('package.json', 'utf8'));
const pinsFile = 'scripts/image-base.json';
const mirror = 'http://deb.debian.org/debian';
const suite = 'bookworm';
/** What `ldd` lists for the standalone executable (libc6: libc, libm, libdl, libpthread, ld.so). */
const packages = ['libc6', 'libgcc-s1', 'libstdc++6', 'libatomic1'];
const platforms = [
  { arch: 'amd64', debian: 'amd64' },
  { arch: 'arm64', debian: 'arm64' },
];
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 ? process.argv[outAt + 1] : 'release/image';
const cache = join(
  process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'),
  'volsync-perms',
  'debs',
);

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr?.toString() ?? r.error}`);
  return r.stdout;
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

/** The newest bookworm version of each package, per architecture, from the mirror's index. */
async function newestPins(only = platforms) {
  const pins = {};
  for (const p of only) {
    const xz = await fetchBytes(`${mirror}/dists/${suite}/main/binary-${p.debian}/Packages.xz`);
    const index = run('xz', ['-dc'], { input: xz }).toString('utf8');
    pins[p.arch] = packages.map((name) => {
      const stanza = index.split('\n\n').find((s) => s.startsWith(`Package: ${name}\n`));
      const field = (f) => new RegExp(`^${f}: (.*)$`, 'm').exec(stanza ?? '')?.[1];
      if (!stanza || !field('Filename') || !field('SHA256'))
        throw new Error(`${name} (${p.debian}): not in ${suite}/main`);
      return {
        name,
        version: field('Version'),
        filename: field('Filename'),
        sha256: field('SHA256'),
      };
    });
  }
  return pins;
}

async function updatePins() {
  const pins = await newestPins();
  await writeFile(pinsFile, JSON.stringify({ mirror, suite, pins }, null, 2) + '\n');
  process.stderr.write(`${pinsFile}\n`);
}

/**
 * A pinned .deb, from the cache or the mirror, checked against its pin. A point release removes
 * the version it replaces from the mirror: then the newest one is taken, and said (the image's
 * history records the versions it holds).
 */
async function deb(pin, arch) {
  const file = join(cache, pin.filename.split('/').pop());
  if (existsSync(file) && sha256(await readFile(file)) === pin.sha256) return file;
  const r = await fetch(`${mirror}/${pin.filename}`);
  if (r.status === 404) {
    const now = (await newestPins(platforms.filter((p) => p.arch === arch)))[arch].find(
      (x) => x.name === pin.name,
    );
    process.stderr.write(
      `warning: ${pin.filename} is gone from ${mirror}: using ${now.version}; run node scripts/build-image.mjs --update-pins\n`,
    );
    Object.assign(pin, now);
    return deb(pin, arch);
  }
  if (!r.ok) throw new Error(`${mirror}/${pin.filename}: HTTP ${r.status}`);
  const bytes = Buffer.from(await r.arrayBuffer());
  if (sha256(bytes) !== pin.sha256)
    throw new Error(
      `${pin.filename}: sha256 is not the pinned ${pin.sha256}; run with --update-pins`,
    );
  await mkdir(cache, { recursive: true });
  await writeFile(file, bytes);
  return file;
}

/** A reproducible tar.gz of a directory: its blob, its digest and its diff_id. */
function layer(dir, ownedBy = []) {
  const fixed = ['--sort=name', '--mtime=@0', '--numeric-owner', '--format=gnu'];
  // everything root's but the paths given, which are appended with their owner: the same
  // archive whoever builds it, root or not
  const tarFile = `${dir}.tar`;
  run('tar', [
    ...fixed,
    '--owner=0',
    '--group=0',
    ...ownedBy.map((o) => `--exclude=./${o.path}`),
    '-cf',
    tarFile,
    '-C',
    dir,
    '.',
  ]);
  for (const o of ownedBy)
    run('tar', [
      ...fixed,
      `--owner=${o.uid}`,
      `--group=${o.gid}`,
      '-rf',
      tarFile,
      '-C',
      dir,
      `./${o.path}`,
    ]);
  const tar = readFileSync(tarFile);
  rmSync(tarFile);
  const gz = run('gzip', ['-n', '-6'], { input: tar });
  return {
    blob: gz,
    digest: `sha256:${sha256(gz)}`,
    diffId: `sha256:${sha256(tar)}`,
    size: gz.length,
  };
}

async function writeBlob(bytes) {
  const digest = sha256(bytes);
  await writeFile(join(out, 'blobs', 'sha256', digest), bytes);
  return { digest: `sha256:${digest}`, size: bytes.length };
}

const passwd =
  'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n';
const group = 'root:x:0:\nnogroup:x:65534:\nnonroot:x:65532:\n';

async function build() {
  const { pins } = JSON.parse(await readFile(pinsFile, 'utf8'));
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'blobs', 'sha256'), { recursive: true });
  const stage = `${out}-stage`;
  const manifests = [];
  for (const p of platforms) {
    const exe = join('release', `linux-${p.arch}`, 'kubectl-volsync_perms');
    if (!existsSync(exe)) throw new Error(`${exe}: missing; run npm run release first`);
    // the base: the packages' files (their copyright kept, other docs dropped), users, /tmp
    const base = join(stage, p.arch, 'base');
    await rm(base, { recursive: true, force: true });
    await mkdir(base, { recursive: true });
    for (const pin of pins[p.arch]) run('dpkg-deb', ['-x', await deb(pin, p.arch), base]);
    run('find', [
      join(base, 'usr/share'),
      '-mindepth',
      '1',
      '-maxdepth',
      '1',
      '!',
      '-name',
      'doc',
      '-exec',
      'rm',
      '-rf',
      '{}',
      '+',
    ]);
    run('find', [join(base, 'usr/share/doc'), '-type', 'f', '!', '-name', 'copyright', '-delete']);
    await mkdir(join(base, 'etc'), { recursive: true });
    await writeFile(join(base, 'etc/passwd'), passwd);
    await writeFile(join(base, 'etc/group'), group);
    await mkdir(join(base, 'tmp'));
    await chmod(join(base, 'tmp'), 0o1777);
    await mkdir(join(base, 'home/nonroot'), { recursive: true });
    // the app: the executable and its licence
    const app = join(stage, p.arch, 'app');
    await rm(app, { recursive: true, force: true });
    await mkdir(join(app, 'usr/local/bin'), { recursive: true });
    await writeFile(join(app, 'usr/local/bin/kubectl-volsync_perms'), await readFile(exe));
    await chmod(join(app, 'usr/local/bin/kubectl-volsync_perms'), 0o755);
    await mkdir(join(app, 'usr/share/doc/volsync-perms'), { recursive: true });
    await writeFile(join(app, 'usr/share/doc/volsync-perms/LICENSE'), await readFile('LICENSE'));
    const layers = [layer(base, [{ path: 'home/nonroot', uid: 65532, gid: 65532 }]), layer(app)];
    for (const l of layers) await writeBlob(l.blob);
    const config = {
      architecture: p.arch,
      os: 'linux',
      config: {
        User: '65532:65532',
        Entrypoint: ['/usr/local/bin/kubectl-volsync_perms'],
        Cmd: ['serve', '--listen', ':9713'],
        Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/home/nonroot'],
        WorkingDir: '/home/nonroot',
        ExposedPorts: { '9713/tcp': {} },
        Labels: {
          'org.opencontainers.image.source': pkg.repository.url,
          'org.opencontainers.image.version': pkg.version,
          'org.opencontainers.image.licenses': pkg.license,
        },
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: [
        {
          created: '1970-01-01T00:00:00Z',
          created_by: `debian ${pins[p.arch].map((x) => `${x.name}=${x.version}`).join(' ')}; /etc/passwd, /etc/group (nonroot 65532)`,
        },
        {
          created: '1970-01-01T00:00:00Z',
          created_by: `kubectl-volsync_perms ${pkg.version} (npm run release)`,
        },
      ],
    };
    const configBlob = await writeBlob(Buffer.from(JSON.stringify(config)));
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
      layers: layers.map((l) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: l.digest,
        size: l.size,
      })),
    };
    const manifestBlob = await writeBlob(Buffer.from(JSON.stringify(manifest)));
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifestBlob,
      platform: { architecture: p.arch, os: 'linux' },
    });
  }
  await rm(stage, { recursive: true, force: true });
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests,
  };
  const indexBlob = await writeBlob(Buffer.from(JSON.stringify(index)));
  await writeFile(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(out, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          ...indexBlob,
          annotations: { 'org.opencontainers.image.ref.name': pkg.version },
        },
      ],
    }),
  );
  process.stderr.write(`${out} (${indexBlob.digest})\n`);
}

if (process.argv.includes('--update-pins')) await updatePins();
else await build();
