import { findVersion, versionIds } from '../core/volsync/versions/index.js';
import type { VersionChoice } from '../core/volsync/versions/resolve-version.js';
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
