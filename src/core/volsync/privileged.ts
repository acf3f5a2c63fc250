import type { TraceStep } from '../identity/trace.js';
import type { MoverType } from './movers.js';
import { newestVersion } from './versions/index.js';
import type { VolsyncVersion } from './versions/types.js';

export const privilegedMoversKey = 'volsync.backube/privileged-movers';

/** The namespace facts VolSync's PrivilegedMoversOk reads; undefined = the Namespace is not known. */
export interface NamespaceFacts {
  name: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

export interface PrivilegedDecision {
  value: boolean | null;
  steps: TraceStep[];
}

/**
 * Decides whether VolSync builds the mover privileged: the annotation's value, lower-cased and
 * not trimmed, must equal "true"; legacy rsync ignores it (volsync-semantics §1, U:ic/utils/namespace.go:47-48).
 */
export function resolvePrivileged(
  mover: MoverType,
  ns: NamespaceFacts | undefined,
  nsName: string,
  version: VolsyncVersion = newestVersion,
): PrivilegedDecision {
  const source = 'volsync-semantics §1 (U:ic/utils/namespace.go:47-48)';
  if (mover === 'rsync' && version.rsyncAlwaysPrivileged) {
    return {
      value: true,
      steps: [
        step(
          'privileged',
          true,
          'the legacy rsync (ssh) mover ignores the annotation and always runs privileged',
          'volsync-semantics §3 (U:ic/mover/rsync/builder.go:124,184)',
        ),
      ],
    };
  }
  if (ns === undefined) {
    return {
      value: null,
      steps: [
        step(
          `Namespace/${nsName} annotation ${privilegedMoversKey}`,
          null,
          `unknown: Namespace ${nsName} is not in the input, so whether VolSync builds this mover privileged is unknown; add the Namespace manifest or read the cluster`,
          source,
        ),
      ],
    };
  }
  const raw = ns.annotations[privilegedMoversKey];
  if (raw === undefined) {
    return {
      value: false,
      steps: [
        step(
          `Namespace/${nsName} annotation ${privilegedMoversKey}`,
          null,
          'not set: VolSync builds the mover unprivileged',
          source,
        ),
      ],
    };
  }
  const on = raw.toLowerCase() === 'true';
  return {
    value: on,
    steps: [
      step(
        `Namespace/${nsName} annotation ${privilegedMoversKey}`,
        raw,
        on
          ? 'privileged: VolSync adds container runAsUser 0 and capabilities to the mover'
          : `${JSON.stringify(raw)} is not "true" (case-insensitive, no trimming): VolSync builds the mover unprivileged`,
        source,
      ),
    ],
  };
}

function step(field: string, value: TraceStep['value'], effect: string, source: string): TraceStep {
  return { layer: 'volsync', field, value, effect, source };
}
