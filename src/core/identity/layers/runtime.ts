import type { Identity } from '../identity.js';
import type { Layer, TraceStep } from '../trace.js';
import type { Unknown } from '../unknown.js';
import { resolveRunAsNonRoot, type StartCheck } from './run-as-non-root.js';
import { resolveRuntimeCapabilities } from './runtime-capabilities.js';
import { resolveRuntimeGroup } from './runtime-group.js';
import { resolveRuntimeGroups } from './runtime-groups.js';
import { resolveRuntimeUser } from './runtime-user.js';
import type { LayerResult, ResolveState } from './state.js';

/** What the runtime layer decides: the identity of the container's first process. */
export interface RuntimeOutcome {
  identity: Identity;
  uidDecidedBy: Layer | null;
  runAsNonRoot: StartCheck;
  imageUserMissing?: string;
  groupsIncomplete: boolean;
  ineffectiveCaps: string[];
}

/**
 * The runtime layer: the kubelet and the container runtime turn the admitted pod and the image
 * into UID, GID, groups and capabilities, in that order (each needs the one before), then check
 * runAsNonRoot.
 */
export function resolveRuntimeLayer(s: ResolveState): LayerResult<ResolveState> & {
  outcome: RuntimeOutcome;
} {
  const steps: TraceStep[] = [];
  const unknowns: Unknown[] = [];
  const take = <T extends { steps: TraceStep[]; unknowns?: Unknown[] }>(r: T): T => {
    steps.push(...r.steps);
    if (r.unknowns) unknowns.push(...r.unknowns);
    return r;
  };
  const user = take(resolveRuntimeUser(s));
  const { gid } = take(resolveRuntimeGroup(s, user));
  const groups = take(resolveRuntimeGroups(s, user, gid));
  const caps = take(resolveRuntimeCapabilities(s, user.uid));
  const { runAsNonRoot } = take(resolveRunAsNonRoot(s, user.runAsUser));
  const outcome: RuntimeOutcome = {
    identity: {
      uid: user.uid,
      gid,
      supplementalGroups: groups.groups,
      fsGroup: groups.fsGroup,
      capabilities: caps.capabilities,
      runsAsRoot: user.uid === null ? null : user.uid === 0,
      ...(groups.fsGroupUnknown && { fsGroupUnknown: true }),
    },
    uidDecidedBy: user.uidDecidedBy,
    runAsNonRoot,
    groupsIncomplete: groups.groupsIncomplete,
    ineffectiveCaps: caps.ineffectiveCaps,
    ...(user.imageUserMissing !== undefined && { imageUserMissing: user.imageUserMissing }),
  };
  return { steps, unknowns, outcome };
}
