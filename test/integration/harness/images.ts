import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { TestRegistry } from './registry.js';
import { writeTar, type TarEntry } from './tar.js';

// Images for the registry tests, built in memory (no docker): ustar layers, gzip, an image config
// and an OCI or Docker schema2 manifest, pushed through the distribution API.

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface LayerFile {
  /** Relative to the image root; a leading `/` is dropped. */
  path: string;
  content: string | Uint8Array;
  /** Permission bits; 0o644 by default. */
  mode?: number;
}

export interface LayerSpec {
  files?: LayerFile[];
  symlinks?: { path: string; target: string }[];
  /** Paths this layer deletes from the layers below: written as `<dir>/.wh.<name>`. */
  whiteouts?: string[];
  /** Directories whose content from the layers below is hidden: `<dir>/.wh..wh..opq`. */
  opaqueDirs?: string[];
}

export interface TestImage {
  config: { User?: string; Env?: string[]; Labels?: Record<string, string> };
  /** Lowest first, as in the manifest. */
  layers: LayerSpec[];
  /** linux/amd64 by default. */
  platform?: Platform;
}

/** `oci`: application/vnd.oci.image.*; `docker`: Docker image manifest v2 schema 2. */
export type ManifestFormat = 'oci' | 'docker';

export interface PushOptions {
  format?: ManifestFormat;
}

export interface PushedImage {
  /** `host/repo:tag`, or `host/repo@sha256:...` for the images of an index. */
  ref: string;
  /** The manifest digest. */
  digest: string;
  mediaType: string;
  configDigest: string;
  layerDigests: string[];
  /** sha256 of each uncompressed layer tar, as in the config's rootfs.diff_ids. */
  diffIds: string[];
  platform: Platform;
}

export interface PushedIndex {
  ref: string;
  digest: string;
  mediaType: string;
  images: PushedImage[];
}

const mediaTypes = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
} as const;

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// ---- ustar ----------------------------------------------------------------

/** The layer's entries, each parent directory first (as docker writes them). */
function layerEntries(spec: LayerSpec): TarEntry[] {
  const clean = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '');
  const out: TarEntry[] = [];
  const dirs = new Set<string>();
  const parents = (path: string) => {
    const segments = path.split('/').slice(0, -1);
    for (let i = 1; i <= segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      out.push({ path: dir, type: 'dir', mode: 0o755 });
    }
  };
  const add = (e: TarEntry) => {
    parents(e.path);
    out.push(e);
  };
  const marker = (path: string, name: string) => {
    add({
      path: path ? `${path}/${name}` : name,
      type: 'file',
      mode: 0o644,
      content: Buffer.alloc(0),
    });
  };
  for (const d of spec.opaqueDirs ?? []) marker(clean(d), '.wh..wh..opq');
  for (const w of spec.whiteouts ?? []) {
    const p = clean(w);
    const slash = p.lastIndexOf('/');
    marker(p.slice(0, Math.max(slash, 0)), `.wh.${p.slice(slash + 1)}`);
  }
  for (const f of spec.files ?? [])
    add({
      path: clean(f.path),
      type: 'file',
      mode: f.mode ?? 0o644,
      content: Buffer.from(f.content),
    });
  for (const s of spec.symlinks ?? [])
    add({ path: clean(s.path), type: 'symlink', mode: 0o777, target: s.target });
  return out;
}

// ---- image ----------------------------------------------------------------

/** A blob as the registry stores it, with the descriptor fields that name it. */
export interface ImageBlob {
  digest: string;
  size: number;
  mediaType: string;
  data: Buffer;
}

const blobOf = (data: Buffer, mediaType: string): ImageBlob => ({
  digest: sha256(data),
  size: data.length,
  mediaType,
  data,
});

/** The blobs and manifest of an image, nothing pushed. */
export interface BuiltImage {
  config: ImageBlob;
  layers: ImageBlob[];
  diffIds: string[];
  manifest: ImageBlob;
  platform: Platform;
}

/** Builds the layers (tar.gz), the config (rootfs.diff_ids = sha256 of each tar) and the manifest. */
export function buildImage(image: TestImage, format: ManifestFormat = 'oci'): BuiltImage {
  const types = mediaTypes[format];
  const platform = image.platform ?? { os: 'linux', architecture: 'amd64' };
  const tars = image.layers.map((l) => writeTar(layerEntries(l)));
  const diffIds = tars.map(sha256);
  const layers = tars.map((t) => blobOf(gzipSync(t), types.layer));
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        created: '1970-01-01T00:00:00Z',
        ...platform,
        config: image.config,
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: tars.map((_, i) => ({
          created: '1970-01-01T00:00:00Z',
          created_by: `volsync-perms test layer ${i}`,
        })),
      }),
    ),
    types.config,
  );
  const descriptor = (b: ImageBlob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });
  const manifest = blobOf(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: types.manifest,
        config: descriptor(config),
        layers: layers.map(descriptor),
      }),
    ),
    types.manifest,
  );
  return { config, layers, diffIds, manifest, platform };
}

// ---- distribution API -------------------------------------------------------

/** `key="value"` pairs of a WWW-Authenticate challenge. */
function challengeParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g))
    if (m[1] && m[2] !== undefined) params[m[1]] = m[2];
  return params;
}

type Send = (
  method: string,
  url: string,
  body?: Buffer,
  headers?: Record<string, string>,
) => Promise<Response>;

/**
 * Requests to the registry as the push user, answering a 401 as a client should: Basic with the
 * credentials, or a token from the realm for the scope the challenge names (RFC 6750 §3, the
 * Docker token protocol). The last Authorization is reused until the registry refuses it.
 */
function session(reg: TestRegistry): Send {
  const { username, password } = reg.credentials;
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let authorization: string | undefined;
  const authorize = async (challenge: string) => {
    if (/^basic /i.test(challenge)) return basic;
    const p = challengeParams(challenge);
    if (!/^bearer /i.test(challenge) || !p['realm'])
      throw new Error(`unexpected challenge ${challenge}`);
    const u = new URL(p['realm']);
    if (p['service']) u.searchParams.set('service', p['service']);
    if (p['scope']) for (const s of p['scope'].split(' ')) u.searchParams.append('scope', s);
    const r = await fetch(u, { headers: { Authorization: basic } });
    if (!r.ok) throw new Error(`token ${u.href}: HTTP ${r.status} ${await r.text()}`);
    const t = (await r.json()) as { token?: string; access_token?: string };
    return `Bearer ${t.token ?? t.access_token ?? ''}`;
  };
  return async (method, url, body, headers = {}) => {
    const target = new URL(url, reg.url);
    const attempt = () =>
      fetch(target, {
        method,
        headers: { ...headers, ...(authorization && { Authorization: authorization }) },
        ...(body && { body }),
        redirect: 'manual',
      });
    let r = await attempt();
    const challenge = r.headers.get('www-authenticate');
    if (r.status === 401 && challenge) {
      await r.body?.cancel();
      authorization = await authorize(challenge);
      r = await attempt();
    }
    return r;
  };
}

async function expectStatus(r: Response, status: number, what: string) {
  if (r.status !== status)
    throw new Error(`${what}: HTTP ${r.status} (want ${status}) ${await r.text()}`);
  await r.body?.cancel();
}

/** Monolithic upload: POST /v2/<repo>/blobs/uploads/, then PUT <Location>&digest=. */
async function uploadBlob(send: Send, reg: TestRegistry, repo: string, blob: ImageBlob) {
  const post = await send('POST', `/v2/${repo}/blobs/uploads/`);
  const location = post.headers.get('location');
  await expectStatus(post, 202, `start upload to ${repo}`);
  if (!location) throw new Error(`start upload to ${repo}: no Location`);
  // Location may be relative; it carries the upload state (`_state=`) to keep.
  const target = new URL(location, reg.url);
  target.searchParams.set('digest', blob.digest);
  const put = await send('PUT', target.href, blob.data, {
    'Content-Type': 'application/octet-stream',
  });
  await expectStatus(put, 201, `upload ${blob.digest} to ${repo}`);
}

async function putManifest(send: Send, repo: string, reference: string, m: ImageBlob) {
  const r = await send('PUT', `/v2/${repo}/manifests/${reference}`, m.data, {
    'Content-Type': m.mediaType,
  });
  const digest = r.headers.get('docker-content-digest');
  await expectStatus(r, 201, `put manifest ${repo}:${reference}`);
  if (digest && digest !== m.digest)
    throw new Error(`put manifest ${repo}:${reference}: registry says ${digest}, want ${m.digest}`);
}

async function pushBuilt(
  send: Send,
  reg: TestRegistry,
  repo: string,
  reference: string,
  built: BuiltImage,
): Promise<PushedImage> {
  for (const blob of [...built.layers, built.config]) await uploadBlob(send, reg, repo, blob);
  await putManifest(send, repo, reference, built.manifest);
  const sep = reference.startsWith('sha256:') ? '@' : ':';
  return {
    ref: `${reg.host}/${repo}${sep}${reference}`,
    digest: built.manifest.digest,
    mediaType: built.manifest.mediaType,
    configDigest: built.config.digest,
    layerDigests: built.layers.map((l) => l.digest),
    diffIds: built.diffIds,
    platform: built.platform,
  };
}

/** Pushes one image (layers, config, manifest) and tags it. */
export async function pushImage(
  reg: TestRegistry,
  repo: string,
  tag: string,
  image: TestImage,
  options: PushOptions = {},
): Promise<PushedImage> {
  return pushBuilt(session(reg), reg, repo, tag, buildImage(image, options.format));
}

/**
 * Pushes a multi-platform image: each image by digest, then an OCI index (or a Docker manifest
 * list with format `docker`) under the tag. An entry's platform overrides its image's.
 */
export async function pushIndex(
  reg: TestRegistry,
  repo: string,
  tag: string,
  entries: { platform: Platform; image: TestImage }[],
  options: PushOptions = {},
): Promise<PushedIndex> {
  const format = options.format ?? 'oci';
  const send = session(reg);
  const images: PushedImage[] = [];
  const manifests: object[] = [];
  for (const e of entries) {
    const built = buildImage({ ...e.image, platform: e.platform }, format);
    images.push(await pushBuilt(send, reg, repo, built.manifest.digest, built));
    const { mediaType, digest, size } = built.manifest;
    manifests.push({ mediaType, digest, size, platform: built.platform });
  }
  const index = blobOf(
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes[format].index, manifests }),
    ),
    mediaTypes[format].index,
  );
  await putManifest(send, repo, tag, index);
  return {
    ref: `${reg.host}/${repo}:${tag}`,
    digest: index.digest,
    mediaType: index.mediaType,
    images,
  };
}

/**
 * A tagged manifest whose config blob the registry does not have. The registry refuses such a
 * manifest on push (MANIFEST_BLOB_UNKNOWN), so the image is pushed whole and its config blob is
 * then deleted from the repository (the registry runs with storage.delete enabled). A label with
 * a fresh UUID keeps the config unique, so no other image of the repository loses its config.
 */
export async function pushManifestWithMissingConfig(
  reg: TestRegistry,
  repo: string,
  tag: string,
  image: TestImage,
  options: PushOptions = {},
): Promise<PushedImage> {
  const send = session(reg);
  const unique: TestImage = {
    ...image,
    config: {
      ...image.config,
      Labels: { ...image.config.Labels, 'volsync-perms.test/missing-config': randomUUID() },
    },
  };
  const pushed = await pushBuilt(send, reg, repo, tag, buildImage(unique, options.format));
  const blob = `/v2/${repo}/blobs/${pushed.configDigest}`;
  await expectStatus(await send('DELETE', blob), 202, `delete config ${blob}`);
  await expectStatus(await send('HEAD', blob), 404, `config ${blob} after delete`);
  return pushed;
}
