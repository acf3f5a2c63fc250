import { createHash } from 'node:crypto';
import type { ImageRef } from '../../core/identity/image-ref.js';
import { RegistryError, type RegistryClient } from './client.js';

const media = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
};
const accept = Object.values(media);

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform;
}

export interface ResolvedImage {
  /** The digest of the platform's image manifest. */
  digest: string;
  config: { User?: string };
  /** Bottom layer first, as in the manifest. */
  layers: Descriptor[];
}

async function getJson(client: RegistryClient, ref: ImageRef, path: string) {
  const res = await client.get(ref, path, accept);
  const text = await res.text();
  client.bytes += text.length;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RegistryError(`${ref.registry}/${ref.repository} ${path}: not JSON`);
  }
  const digest =
    res.headers.get('docker-content-digest') ??
    `sha256:${createHash('sha256').update(text).digest('hex')}`;
  return { body: body as Record<string, unknown>, digest, type: res.headers.get('content-type') };
}

const matches = (want: Platform, p: Platform | undefined) =>
  p?.os === want.os &&
  p.architecture === want.architecture &&
  (want.variant === undefined || p.variant === want.variant);

/**
 * The image for one platform: the manifest (OCI or Docker v2), through an index when the tag is
 * multi-arch, then its config blob.
 */
export async function resolveImage(
  client: RegistryClient,
  ref: ImageRef,
  platform: Platform,
): Promise<ResolvedImage> {
  let m = await getJson(client, ref, `manifests/${ref.digest ?? ref.tag ?? 'latest'}`);
  const kind = (m.body['mediaType'] as string | undefined) ?? m.type ?? '';
  if (
    kind.includes('index') ||
    kind.includes('manifest.list') ||
    Array.isArray(m.body['manifests'])
  ) {
    const entries = (m.body['manifests'] ?? []) as Descriptor[];
    const pick = entries.find((e) => matches(platform, e.platform));
    if (!pick)
      throw new RegistryError(
        `${ref.raw}: no image for ${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''} in the index (has ${entries.map((e) => `${e.platform?.os ?? '?'}/${e.platform?.architecture ?? '?'}`).join(', ')}); pass --platform`,
      );
    m = await getJson(client, ref, `manifests/${pick.digest}`);
  }
  const config = m.body['config'] as Descriptor | undefined;
  if (!config?.digest) throw new RegistryError(`${ref.raw}: the manifest names no config blob`);
  const blob = await getJson(client, ref, `blobs/${config.digest}`);
  const inner = (blob.body['config'] ?? {}) as { User?: unknown };
  return {
    digest: m.digest,
    config: typeof inner.User === 'string' ? { User: inner.User } : {},
    layers: (m.body['layers'] ?? []) as Descriptor[],
  };
}
