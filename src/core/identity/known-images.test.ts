import { describe, expect, it } from 'vitest';
import { imageUnknown, type ImageFacts } from './image.js';
import { findImageFacts, knownImages, rankImageFacts } from './known-images.js';

const fact = (image: string, user: string, source: string): ImageFacts => ({
  image,
  user,
  passwd: null,
  group: null,
  source,
});

describe('which image fact answers', () => {
  it('--image-user beats the registry, which beats the built-in table', () => {
    const ref = 'quay.io/backube/volsync:0.17.0';
    const ranked = rankImageFacts(
      [fact(ref, '5', 'flag')],
      [fact(ref, '7', 'registry')],
      knownImages,
    );
    expect(findImageFacts(ranked, ref)?.source).toBe('flag');
    expect(
      findImageFacts(rankImageFacts([], [fact(ref, '7', 'registry')], knownImages), ref)?.user,
    ).toBe('7');
  });

  it('a registry failure never hides what the built-in table knows, and stands where it knows nothing', () => {
    const ranked = rankImageFacts(
      [],
      [
        imageUnknown('quay.io/backube/volsync:0.17.0', 'HTTP 503'),
        imageUnknown('reg.io/app:1', 'HTTP 503'),
      ],
      knownImages,
    );
    expect(findImageFacts(ranked, 'quay.io/backube/volsync:0.17.0')?.user).toBe('');
    expect(findImageFacts(ranked, 'reg.io/app:1')?.source).toBe('HTTP 503');
  });
});
