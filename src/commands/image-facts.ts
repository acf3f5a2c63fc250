import { join } from 'node:path';
import {
  credentialFromAuths,
  dockerConfigCredential,
  type Auths,
} from '../adapters/registry/auth.js';
import { RegistryClient } from '../adapters/registry/client.js';
import { readImageFacts } from '../adapters/registry/read-images.js';
import type { ImageFacts } from '../core/identity/image.js';
import { findImageFacts, knownImages, rankImageFacts } from '../core/identity/known-images.js';
import { resolveImagePlatforms } from '../core/report/image-platforms.js';
import { imagesToRead } from '../core/report/images-to-read.js';
import { indexSnapshot } from '../core/snapshot-index.js';
import type { Snapshot } from '../core/snapshot.js';
import { CliError, exitCodes, UsageError } from '../errors.js';
import type { Deps } from './deps.js';
import type { GlobalArgs } from './global-options.js';

/** A tag may move; its digest is asked again after this long (a digest's facts never change). */
const tagTtlMs = 6 * 3600 * 1000;
/**
 * How long the first request to each registry (and token service) waits for an answer: a machine
 * that cannot reach one waits this long once, not 30 s per image and attempt.
 */
const firstContactMs = 5_000;

function parsePlatform(v: string) {
  const [os, architecture, variant, ...rest] = v.split('/');
  if (!os || !architecture || rest.length > 0)
    throw new UsageError(
      `--platform ${JSON.stringify(v)}: use OS/ARCH[/VARIANT], e.g. linux/arm64`,
    );
  return { os, architecture, ...(variant !== undefined && { variant }) };
}

/** `$XDG_CACHE_HOME/volsync-perms/images`, else `~/.cache/...`; none without either. */
function cacheDirOf(env: Record<string, string | undefined>): string | undefined {
  const base = env['XDG_CACHE_HOME'] ?? (env['HOME'] ? join(env['HOME'], '.cache') : undefined);
  return base === undefined ? undefined : join(base, 'volsync-perms', 'images');
}

/**
 * Adds what the registries say about the snapshot's images (config User, /etc/passwd,
 * /etc/group) between the --image-user facts, which still win, and the built-in table, which
 * still answers when a registry cannot.
 */
export async function withRegistryFacts(
  a: GlobalArgs,
  deps: Deps,
  snapshot: Snapshot,
  flagFacts: ImageFacts[],
  focus?: { kind: string; namespace: string; name: string },
  /** Pull secrets read from the cluster (--use-pull-secrets): tried before the docker config. */
  pullAuths: Auths[] = [],
): Promise<Snapshot> {
  const platform = parsePlatform(a.platform);
  const cacheDir = cacheDirOf(deps.env);
  const target = focus && indexSnapshot(snapshot).get(focus.kind, focus.namespace, focus.name);
  const wanted = imagesToRead(snapshot, target).filter((i) => !findImageFacts(flagFacts, i));
  if (wanted.length === 0) return snapshot;
  const client = new RegistryClient({
    insecure: a['insecure-registry'],
    timeoutMs: 30_000,
    firstContactMs,
    credential: (registry) =>
      pullAuths.map((x) => credentialFromAuths(x, registry)).find((c) => c !== undefined) ??
      dockerConfigCredential(registry, deps.env, a['use-credential-helpers']),
  });
  const onNodes = resolveImagePlatforms(snapshot);
  const facts = await readImageFacts(client, wanted, {
    platform,
    platformFor: (image) => {
      const p = onNodes.get(image);
      return p === undefined ? undefined : parsePlatform(p);
    },
    offline: a.offline || cacheDir === undefined,
    cacheDir: cacheDir ?? '',
    tagTtlMs,
    now: () => Date.now(),
    maxLayerBytes: 512 * 1024 * 1024,
    concurrency: 4,
  });
  const failed = facts.filter((f) => f.user === null);
  for (const [host, why] of client.unreachable)
    deps.stderr.write(
      `warning: registry ${host} could not be reached (${why}): its images were not read; --offline skips the registries\n`,
    );
  if (a.v > 0)
    deps.stderr.write(
      `I registry: ${client.requests} requests, ${Math.round(client.bytes / 1024)} KiB, ${facts.length} images (${facts.filter((f) => f.source.endsWith('(cached)')).length} cached, ${failed.length} unknown)\n`,
    );
  const first = failed[0];
  if (a['require-image'] && first)
    throw new CliError(
      `image ${first.image}: ${first.source}; fix access to the registry or drop --require-image`,
      exitCodes.registry,
    );
  return { ...snapshot, images: rankImageFacts(flagFacts, facts, knownImages) };
}
