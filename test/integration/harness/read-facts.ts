import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryClient } from '../../../src/adapters/registry/client.js';
import {
  readImageFacts,
  type ImageReadOptions,
} from '../../../src/adapters/registry/read-images.js';

/** readImageFacts with test defaults (linux/amd64, a fresh cache, a 1-minute tag TTL). */
export function readFacts(
  client: RegistryClient,
  images: string[],
  options: Partial<ImageReadOptions> = {},
) {
  return readImageFacts(client, images, {
    platform: { os: 'linux', architecture: 'amd64' },
    offline: false,
    cacheDir: mkdtempSync(join(tmpdir(), 'image-cache-')),
    tagTtlMs: 60_000,
    now: () => Date.now(),
    maxLayerBytes: 1 << 26,
    concurrency: 2,
    ...options,
  });
}
