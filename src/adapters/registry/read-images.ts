import { createHash } from 'node:crypto';
import { mapBounded } from '../../bounded.js';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  imageUnknown,
  type GroupEntry,
  type ImageFacts,
  type PasswdEntry,
} from '../../core/identity/image.js';
import { parseImageRef } from '../../core/identity/image-ref.js';
import { RegistryError, type RegistryClient } from './client.js';
import { readIdentityFiles } from './layers.js';
import { resolveImage, type Platform } from './manifest.js';

export interface ImageReadOptions {
  platform: Platform;
  /** The platform an image really runs on (its pods' nodes), when known: wins over `platform`. */
  platformFor?: (image: string) => Platform | undefined;
  /** Cache + built-in facts only: no request at all. */
  offline: boolean;
  /** Directory of the on-disk cache (created 0700). */
  cacheDir: string;
  /** How long a tag → digest answer is trusted; digests never change. */
  tagTtlMs: number;
  now: () => number;
  maxLayerBytes: number;
  concurrency: number;
}

interface Cached {
  user: string;
  passwd: PasswdEntry[] | null;
  group: GroupEntry[] | null;
  digest: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes atomically (a concurrent run never reads half a file); the cache holds no credential. */
function writeJson(dir: string, file: string, value: unknown): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
  renameSync(tmp, file);
}

export function parsePasswd(text: string | null): PasswdEntry[] {
  return (text ?? '').split('\n').flatMap((l) => {
    const [name = '', , uid, gid] = l.split(':');
    return name && /^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '')
      ? [{ name, uid: Number(uid), gid: Number(gid) }]
      : [];
  });
}

export function parseGroup(text: string | null): GroupEntry[] {
  return (text ?? '').split('\n').flatMap((l) => {
    const [name = '', , gid, members = ''] = l.split(':');
    return name && /^\d+$/.test(gid ?? '')
      ? [{ name, gid: Number(gid), members: members.split(',').filter(Boolean) }]
      : [];
  });
}

/**
 * The identity facts of each distinct image: config User, /etc/passwd, /etc/group. A digest's
 * facts are cached on disk forever, a tag's digest for `tagTtlMs`; every failure becomes an
 * unknown fact whose source says why, never an error of the run.
 */
export async function readImageFacts(
  client: RegistryClient,
  images: string[],
  o: ImageReadOptions,
): Promise<ImageFacts[]> {
  const distinct = [...new Set(images)];
  const one = async (image: string): Promise<ImageFacts> => {
    const want = o.platformFor?.(image) ?? o.platform;
    const platform = `${want.os}/${want.architecture}${want.variant ? `/${want.variant}` : ''}`;
    const ref = parseImageRef(image);
    if (!ref) return imageUnknown(image, 'not a valid image reference');
    const tagFile = join(
      o.cacheDir,
      'tags',
      `${sha(`${ref.registry}/${ref.repository}:${ref.tag ?? ''}@${ref.digest ?? ''} ${platform}`)}.json`,
    );
    const tag = readJson(tagFile) as { digest: string; at: number } | undefined;
    const fresh = tag && (ref.digest !== undefined || o.now() - tag.at < o.tagTtlMs);
    const hit =
      tag && (fresh || o.offline)
        ? (readJson(join(o.cacheDir, 'images', `${tag.digest.replace(':', '-')}.json`)) as
            Cached | undefined)
        : undefined;
    const facts = (c: Cached, how: string): ImageFacts => ({
      image,
      user: c.user,
      passwd: c.passwd,
      group: c.group,
      source: `registry ${ref.registry}, ${platform} ${c.digest.slice(0, 19)} (${how})`,
    });
    if (hit) return facts(hit, 'cached');
    if (o.offline) return imageUnknown(image, '--offline and not in the image cache');
    try {
      const img = await resolveImage(client, ref, want);
      const imageFile = join(o.cacheDir, 'images', `${img.digest.replace(':', '-')}.json`);
      const known = readJson(imageFile) as Cached | undefined;
      // a tag asked again after its TTL usually still names the same digest: layers not re-read
      if (known) {
        writeJson(join(o.cacheDir, 'tags'), tagFile, { digest: img.digest, at: o.now() });
        return facts(known, 'cached');
      }
      const files = await readIdentityFiles(client, ref, img.layers, o.maxLayerBytes);
      const c: Cached = {
        user: img.config.User ?? '',
        passwd: parsePasswd(files['etc/passwd']),
        group: parseGroup(files['etc/group']),
        digest: img.digest,
      };
      writeJson(join(o.cacheDir, 'images'), imageFile, c);
      writeJson(join(o.cacheDir, 'tags'), tagFile, { digest: img.digest, at: o.now() });
      return facts(c, 'read');
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
      return imageUnknown(image, `registry: ${e.message}`);
    }
  };
  return mapBounded(distinct, o.concurrency, one);
}
