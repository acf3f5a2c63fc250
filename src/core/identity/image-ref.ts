import { imageRepository, normalizeImage } from './known-images.js';

/** An image reference resolved the way container runtimes resolve it (no mirrors assumed). */
export interface ImageRef {
  /** As written in the pod spec. */
  raw: string;
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000`, ... */
  registry: string;
  /** `library/alpine`, `backube/volsync`. */
  repository: string;
  /** The tag, `latest` when neither tag nor digest is given. */
  tag?: string;
  digest?: string;
}

const repoPart = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^sha256:[0-9a-f]{64}$/;

/**
 * Parses `[registry/]repository[:tag][@digest]` with Docker Hub's defaults (`docker.io`,
 * `library/`, tag `latest`); undefined for a reference no registry would accept.
 */
export function parseImageRef(raw: string): ImageRef | undefined {
  const [named = '', digest, ...extra] = raw.split('@');
  if (extra.length > 0 || (digest !== undefined && !digestRe.test(digest))) return undefined;
  const full = normalizeImage(named);
  const repoWithHost = imageRepository(full);
  const tag = full.length > repoWithHost.length ? full.slice(repoWithHost.length + 1) : undefined;
  const slash = repoWithHost.indexOf('/');
  const registry = repoWithHost.slice(0, slash);
  const repository = repoWithHost.slice(slash + 1);
  if (!repository.split('/').every((p) => repoPart.test(p))) return undefined;
  if (tag !== undefined && !tagRe.test(tag)) return undefined;
  return {
    raw,
    registry,
    repository,
    ...(digest !== undefined ? { digest } : { tag: tag ?? 'latest' }),
    ...(digest !== undefined && tag !== undefined && { tag }),
  };
}

/** Docker Hub's API lives on another host than its image names say. */
export const registryApiHost = (registry: string) =>
  registry === 'docker.io' ? 'registry-1.docker.io' : registry;
