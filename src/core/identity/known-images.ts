import { memoByTable } from '../memo.js';
import type { ImageFacts } from './image.js';

// distroless's own files: root, nobody and nonroot; tty and staff groups (common/BUILD.bazel)
const distrolessPasswd = [
  { name: 'root', uid: 0, gid: 0 },
  { name: 'nobody', uid: 65534, gid: 65534 },
  { name: 'nonroot', uid: 65532, gid: 65532 },
];
const distrolessGroup = [
  { name: 'root', gid: 0, members: [] },
  { name: 'nobody', gid: 65534, members: [] },
  { name: 'tty', gid: 5, members: [] },
  { name: 'staff', gid: 50, members: [] },
  { name: 'nonroot', gid: 65532, members: [] },
];

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
  {
    image: 'ghcr.io/home-operations/kopiur-mover',
    user: '65532:65532',
    passwd: distrolessPasswd,
    group: distrolessGroup,
    source:
      'built-in table: kopiur mover image, USER 65532:65532 FROM gcr.io/distroless/cc-debian13:nonroot (kopiur.md §0 rule 1); /etc/passwd and /etc/group of distroless (GoogleContainerTools/distroless common/BUILD.bazel@11eeda55)',
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
export const findImageFacts: (facts: ImageFacts[], ref: string) => ImageFacts | undefined =
  memoByTable((facts, ref) => {
    const n = normalizeImage(ref);
    return (
      facts.find((f) => normalizeImage(f.image) === n) ??
      facts.find((f) => normalizeImage(f.image) === normalizeImage(imageRepository(ref)))
    );
  });
