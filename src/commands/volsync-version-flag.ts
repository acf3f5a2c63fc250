import { findVersion, versionIds } from '../core/volsync/versions/index.js';
import type { VersionChoice } from '../core/volsync/versions/resolve-version.js';
import {
  kopiurVersionOfFlag,
  type KopiurVersionChoice,
} from '../core/kopiur/resolve-kopiur-version.js';
import { UsageError } from '../errors.js';
import type { GlobalArgs } from './global-options.js';

/** --volsync-version: the version the user says runs, over what the controller read says. */
export function volsyncVersionFlag(a: GlobalArgs): VersionChoice | undefined {
  const id = a['volsync-version'];
  if (id === undefined) return undefined;
  const version = findVersion(id);
  if (!version)
    throw new UsageError(
      `--volsync-version ${id}: not a supported version; use one of ${versionIds.join(', ')}`,
    );
  return { version, source: `--volsync-version ${id}`, assumed: false };
}

/** --kopiur-version: a release tag (`0.10.8`, `v0.9.0`) or `main`, over the kopiur controller read. */
export function kopiurVersionFlag(a: GlobalArgs): KopiurVersionChoice | undefined {
  const tag = a['kopiur-version'];
  if (tag === undefined) return undefined;
  if (tag !== 'main' && !/^v?\d+\.\d+\.\d+$/.test(tag))
    throw new UsageError(
      `--kopiur-version ${tag}: not a kopiur release; use a tag such as 0.10.8, or main`,
    );
  return kopiurVersionOfFlag(tag);
}
