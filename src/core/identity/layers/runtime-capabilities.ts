import { effectiveCaps, resolveBoundingCaps } from '../capabilities.js';
import type { Unknown } from '../unknown.js';
import {
  containerSecurityContextOf,
  rules,
  step,
  type LayerResult,
  type ResolveState,
} from './state.js';

export interface RuntimeCapabilities {
  capabilities: string[] | null;
  /** Capabilities in add that never become effective because the UID is not 0. */
  ineffectiveCaps: string[];
}

/**
 * The effective capabilities: UID 0 holds the bounding set the runtime builds from add/drop, any
 * other UID holds none (no ambient capabilities in Kubernetes), §5.2-5.3.
 */
export function resolveRuntimeCapabilities(
  s: ResolveState,
  uid: number | null,
): LayerResult<RuntimeCapabilities> & RuntimeCapabilities {
  const caps = resolveBoundingCaps(containerSecurityContextOf(s));
  const capabilities = effectiveCaps(uid, caps.bounding);
  const ineffectiveCaps = uid !== null && uid !== 0 ? caps.added : [];
  if (capabilities === null) {
    const why =
      caps.bounding === null
        ? 'the container does not drop ALL, so the runtime default set applies (containerd: 14, CRI-O: 9)'
        : 'the UID is unknown';
    const unknowns: Unknown[] =
      caps.bounding === null && uid === 0
        ? [
            {
              what: `effective capabilities of container ${s.container.name}`,
              reason: why,
              dependsOn: 'the node container runtime, or capabilities.drop: [ALL]',
            },
          ]
        : [];
    return {
      capabilities,
      ineffectiveCaps,
      steps: [step('runtime', 'capabilities', null, `unknown: ${why}`, rules.caps)],
      unknowns,
    };
  }
  const effect =
    ineffectiveCaps.length > 0
      ? `none: UID ${uid ?? '?'} is not 0, so the added ${ineffectiveCaps.join(', ')} stay in the bounding set only`
      : capabilities.length
        ? `UID 0 holds exactly the bounding set`
        : 'none';
  return {
    capabilities,
    ineffectiveCaps,
    steps: [step('runtime', 'capabilities', capabilities, effect, rules.caps)],
  };
}
