import { InvalidSpecError } from '../errors.js';
import type { ImageFacts } from './image.js';

/** Reads `--image-user IMAGE=USER[:GROUP]`; the value is the image's config User, with its rules. */
export function parseImageUserFlag(v: string): ImageFacts {
  const eq = v.lastIndexOf('=');
  const image = eq > 0 ? v.slice(0, eq) : '';
  const user = eq > 0 ? v.slice(eq + 1) : '';
  if (image === '' || !/^[A-Za-z0-9_.-]*(:[A-Za-z0-9_.-]*)?$/.test(user) || /\s/.test(image))
    throw new InvalidSpecError(
      `--image-user ${JSON.stringify(v)}`,
      'is not IMAGE=USER[:GROUP]',
      'e.g. --image-user ghcr.io/org/app=1000:1000 (USER "" means no USER)',
    );
  return { image, user, passwd: null, group: null, source: `--image-user ${v}` };
}
