import type { ImageFacts } from './image.js';

/**
 * Images whose config User is known without a registry: VolSync's single image (upstream and the
 * perfectra1n fork) has no USER in its final stage (volsync-semantics §5, U:Dockerfile:115-224).
 * Their /etc/passwd and /etc/group were not inspected, so they stay unknown (volsync-semantics §10).
 */
export const knownImages: ImageFacts[] = [
  {
    image: 'quay.io/backube/volsync',
    user: '',
    passwd: null,
    group: null,
    source: 'built-in table: VolSync image, no USER (volsync-semantics §5)',
  },
  {
    image: 'ghcr.io/perfectra1n/volsync',
    user: '',
    passwd: null,
    group: null,
    source: 'built-in table: perfectra1n VolSync fork image, no USER (volsync-semantics §5)',
  },
];

/** Default mover images of the VolSync Helm charts, used when the controller's flags are not known (volsync-semantics §5). */
export const defaultMoverImages = {
  upstream: 'quay.io/backube/volsync:0.17.0',
  fork: 'ghcr.io/perfectra1n/volsync:0.17.11',
};

/** `repo[:tag][@digest]` → repo, keeping a registry port (`host:5000/x`). */
export function imageRepository(ref: string): string {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Docker Hub shorthand: `alpine` → `docker.io/library/alpine`. */
export function normalizeImage(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  const hasRegistry =
    ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return ref;
  return ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/**
 * The order facts are looked up in: --image-user, then what registries answered, then the
 * built-in table; a registry failure is kept only for images the table knows nothing about.
 */
export function rankImageFacts(
  flags: ImageFacts[],
  fromRegistry: ImageFacts[],
  builtIn: ImageFacts[],
): ImageFacts[] {
  const read = fromRegistry.filter((f) => f.user !== null);
  const failed = fromRegistry.filter((f) => f.user === null && !findImageFacts(builtIn, f.image));
  return [...flags, ...read, ...builtIn, ...failed];
}

/** Facts for an image: an exact reference first, then an entry for its repository (any tag). */
export function findImageFacts(facts: ImageFacts[], ref: string): ImageFacts | undefined {
  const n = normalizeImage(ref);
  return (
    facts.find((f) => normalizeImage(f.image) === n) ??
    facts.find((f) => normalizeImage(f.image) === normalizeImage(imageRepository(ref)))
  );
}
