import type { ImageFacts } from '../../core/identity/image.js';
import { defaultMoverImages, knownImages } from '../../core/identity/known-images.js';
import { offlineSnapshot, type Snapshot } from '../../core/snapshot.js';
import { demoAudits } from './demo-audit.js';
import { demoFile, demoManifests } from './demo-manifests.js';
import { demoExports } from './demo-storage.js';
import { parseYamlText } from './parse-yaml.js';

/** The embedded --demo: its manifests read as -f reads files, with what is known of its storage. */
export function demoSnapshot(imageFlags: ImageFacts[] = []): Snapshot {
  const objects = parseYamlText(demoManifests, demoFile).objects;
  return {
    ...offlineSnapshot(objects, imageFlags, knownImages, defaultMoverImages),
    storage: { exports: demoExports, audits: demoAudits() },
  };
}
