import { path } from '../../k8s/json.js';
import { objectKey, type KubeObject } from '../../k8s/object.js';
import { podTemplateOf } from '../../report/workloads.js';
import { newestVersion, volsyncVersions } from './index.js';
import type { VolsyncVersion } from './types.js';

/** Which VolSync the predictions are for, and how that is known. */
export interface VersionChoice {
  version: VolsyncVersion;
  source: string;
  /** Nothing said it: the newest supported version is assumed. */
  assumed: boolean;
}

const numbers = (tag: string) => tag.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);

/** Orders two version tags (`v0.17.7`, `0.17.11`) by number. */
export function compareTags(a: string, b: string): number {
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * The version a controller image runs: perfectra1n's images are the fork, others upstream; the
 * newest modelled tag at or below the image's tag, or the branch head when the tag is newer than
 * every modelled tag (or not a version, like `latest`).
 */
export function versionOfImage(image: string): VolsyncVersion | undefined {
  const at = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  if (at <= slash) return undefined;
  const tag = image.slice(at + 1).replace(/@.*$/, '');
  const flavor = image.includes('perfectra1n') ? 'fork' : 'upstream';
  const mine = volsyncVersions.filter((v) => v.flavor === flavor);
  const head = mine.find((v) => !v.ref.startsWith('v'));
  if (!/^v?\d+\.\d+/.test(tag)) return head;
  const tagged = mine.filter((v) => v.ref.startsWith('v') && compareTags(v.ref, tag) <= 0);
  const newestTag = mine.filter((v) => v.ref.startsWith('v')).at(-1);
  if (newestTag && compareTags(tag, newestTag.ref) > 0) return head;
  return tagged.at(-1) ?? mine[0];
}

/** The manager container's image of a VolSync controller Deployment. */
function managerImage(controller: KubeObject): string | undefined {
  const containers = path(podTemplateOf(controller), 'containers');
  if (!Array.isArray(containers)) return undefined;
  for (const c of containers) {
    const image = path(c, 'image');
    if (typeof image === 'string' && /volsync/.test(image)) return image;
  }
  return undefined;
}

/** The version a VolSync controller Deployment runs, from its manager image's tag. */
export function versionOfController(controller: KubeObject): VersionChoice | undefined {
  const image = managerImage(controller);
  const version = image === undefined ? undefined : versionOfImage(image);
  if (image === undefined || version === undefined) return undefined;
  return {
    version,
    source: `the VolSync controller ${objectKey(controller)} runs ${image}`,
    assumed: false,
  };
}

/** When nothing says which VolSync runs: the newest supported, said as an assumption. */
export const assumedVersion: VersionChoice = {
  version: newestVersion,
  source: 'assumed, the newest supported: no VolSync controller was read, no --volsync-version',
  assumed: true,
};

/**
 * The version for a subject only the fork has (the kopia mover, KopiaMaintenance): the choice
 * itself when it is a fork, else the newest fork, said in the source.
 */
export function versionFor(choice: VersionChoice, needsFork: boolean): VersionChoice {
  if (!needsFork || choice.version.flavor === 'fork') return choice;
  return {
    version: newestVersion,
    source: `${choice.source}; kopia exists only in the perfectra1n fork, so its newest supported version ${newestVersion.id}`,
    assumed: true,
  };
}

/** The version the predictions of a snapshot are for: said or read, else assumed. */
export const versionOfSnapshot = (s: { volsyncVersion?: VersionChoice }): VersionChoice =>
  s.volsyncVersion ?? assumedVersion;
