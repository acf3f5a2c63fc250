import { asStringMap, path } from '../k8s/json.js';
import { objectKey, type KubeObject } from '../k8s/object.js';
import { podTemplateOf } from '../report/workloads.js';
import { compareTags } from '../volsync/versions/resolve-version.js';
import { kopiurVersions, newestKopiurRelease } from './versions/index.js';
import type { KopiurVersion } from './versions/types.js';

/** Which kopiur builds the movers, and how that is known. */
export interface KopiurVersionChoice {
  version: KopiurVersion;
  /** The release tag said or read (`0.10.8`), or the table's id when none is. */
  tag: string;
  source: string;
  assumed: boolean;
}

const released = kopiurVersions.filter((v) => v.id !== 'main');
const main = kopiurVersions.find((v) => v.id === 'main') as KopiurVersion;

/**
 * The table of a kopiur tag: the newest modelled release at or below it; `main` for a tag past
 * the newest release or not a version (`latest`); the oldest table for an older tag (said so).
 */
export function kopiurVersionOfTag(tag: string): KopiurVersion {
  const t = tag.replace(/@.*$/, '');
  if (!/^v?\d+\.\d+/.test(t) || compareTags(t, newestKopiurRelease.tag) > 0) return main;
  return released.filter((v) => compareTags(v.id, t) <= 0).at(-1) ?? (released[0] as KopiurVersion);
}

/** The kopiur controller of the input: a Deployment running the kopiur-controller image. */
export function isKopiurController(o: KubeObject): boolean {
  return o.kind === 'Deployment' && controllerImage(o) !== undefined;
}

function controllerImage(o: KubeObject): string | undefined {
  const containers = path(podTemplateOf(o), 'containers');
  if (!Array.isArray(containers)) return undefined;
  for (const c of containers) {
    const image = path(c, 'image');
    if (typeof image === 'string' && /\/kopiur-controller(:|@|$)/.test(image)) return image;
  }
  return undefined;
}

/**
 * The release a kopiur controller Deployment runs: its image tag, else its
 * `app.kubernetes.io/version` label (the chart sets it to the appVersion; kopiur.md §0 rule 1).
 */
export function kopiurVersionOfController(o: KubeObject): KopiurVersionChoice | undefined {
  const image = controllerImage(o);
  const at = image?.lastIndexOf(':') ?? -1;
  const tag =
    image !== undefined && at > image.lastIndexOf('/')
      ? image.slice(at + 1).replace(/@.*$/, '')
      : asStringMap(o.metadata.labels)['app.kubernetes.io/version'];
  if (tag === undefined || tag === '') return undefined;
  return {
    version: kopiurVersionOfTag(tag),
    tag: tag.replace(/^v/, ''),
    source: `the kopiur controller ${objectKey(o)} runs ${image ?? `version ${tag} (its app.kubernetes.io/version label)`}`,
    assumed: false,
  };
}

/** `--kopiur-version TAG`. */
export function kopiurVersionOfFlag(tag: string): KopiurVersionChoice {
  return {
    version: kopiurVersionOfTag(tag),
    tag: tag.replace(/^v/, ''),
    source: `--kopiur-version ${tag}`,
    assumed: false,
  };
}

/** When nothing says which kopiur runs: the newest release, said as an assumption. */
export const assumedKopiurVersion: KopiurVersionChoice = {
  version: newestKopiurRelease.version,
  tag: newestKopiurRelease.tag,
  source: `assumed, the newest release ${newestKopiurRelease.tag}: no kopiur controller was read, no --kopiur-version`,
  assumed: true,
};
