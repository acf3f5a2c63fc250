import type { PodSecurityLevel, PodSecurityVerdict } from '../admission/pod-security.js';
import type { SccOutcome } from '../admission/openshift.js';
import type { Container } from '../k8s/types.js';
import { unreadId } from '../kopiur/unknown-ids.js';
import type { Identity } from './identity.js';
import { resolveAdmissionLayer } from './layers/admission.js';
import { resolveContainerLayer } from './layers/container.js';
import { resolveEntrypointLayer, type WritesAs } from './layers/entrypoint.js';
import { resolveImageLayer } from './layers/image.js';
import { hoistedFields, resolveKopiurLayer } from './layers/kopiur.js';
import { resolvePodLayer } from './layers/pod.js';
import type { StartCheck } from './layers/run-as-non-root.js';
import { resolveRuntimeLayer } from './layers/runtime.js';
import { applyLayer, type ResolveInput, type ResolveState } from './layers/state.js';
import { resolveStorageLayer, type MountedStorage, type VolumeAccess } from './layers/storage.js';
import { resolveVolsyncLayer } from './layers/volsync.js';
import type { Layer, TraceStep } from './trace.js';
import type { Unknown } from './unknown.js';

export type { AdmissionEffects, ResolveInput } from './layers/state.js';
export type { StartCheck } from './layers/run-as-non-root.js';

export interface Resolution {
  identity: Identity;
  trace: TraceStep[];
  unknowns: Unknown[];
  /** The layer whose value became the UID. */
  uidDecidedBy: Layer | null;
  runAsNonRoot: StartCheck;
  /** A named image user missing from /etc/passwd: container creation fails. */
  imageUserMissing?: string;
  /** The `:group` of the image USER that Kubernetes ignores, when no runAsGroup replaces it. */
  imageGroupIgnored?: string;
  /** /etc/group memberships could add groups that are not known. */
  groupsIncomplete: boolean;
  podSecurity: PodSecurityVerdict;
  enforce?: PodSecurityLevel;
  admitted: boolean | null;
  /** The API server's own rejection of the pod (server-side dry run), which wins over the model. */
  serverRejection?: string;
  /** A validating admission policy (annotate --scoped --deny-others) that rejects the pod. */
  denial?: { by: string; message: string };
  scc?: SccOutcome;
  /** Capabilities in add that never become effective because the UID is not 0. */
  ineffectiveCaps: string[];
  /** The identity its entrypoint switches to and writes files as (an inference), when it does. */
  writesAs?: WritesAs;
  /** The volumes it mounts, with the identity their storage sees (the storage layer). */
  storage?: VolumeAccess[];
}

/**
 * Resolves the identity of one container from its pod spec, the image facts and the namespace,
 * as the composition of one pure function per layer (layers/), each taking the identity so far
 * and adding its trace steps: image → pod → container → volsync or kopiur → admission → runtime, then,
 * with `mounts`, entrypoint and storage. The trace order is this order. Unknown facts give null values, never guesses.
 */
export function resolveIdentity(input: ResolveInput): Resolution {
  let s: ResolveState = {
    input,
    pod: input.pod,
    container: input.container,
    overridden: new Set(
      input.volsync?.built.overrides.map((o) => o.field) ?? hoistedFields(input.kopiur),
    ),
    imageUser: null,
    admitted: null,
    trace: [],
    unknowns: [],
  };
  s = applyLayer(s, resolveImageLayer(s));
  s = applyLayer(s, resolvePodLayer(s));
  s = applyLayer(s, resolveContainerLayer(s));
  s = applyLayer(s, resolveVolsyncLayer(s));
  s = applyLayer(s, resolveKopiurLayer(s));
  const admission = resolveAdmissionLayer(s);
  s = applyLayer(s, admission);
  const { outcome, ...runtime } = resolveRuntimeLayer(s);
  s = applyLayer(s, runtime);
  const out: Resolution = {
    ...outcome,
    trace: s.trace,
    unknowns: s.unknowns,
    podSecurity: admission.podSecurity,
    admitted: s.admitted,
  };
  const runAsGroup = s.container.securityContext?.runAsGroup ?? s.pod.securityContext?.runAsGroup;
  // ignored, but harmless when /etc/passwd gives the same primary GID
  if (
    s.imageGroupIgnored !== undefined &&
    runAsGroup === undefined &&
    unreadId(input.kopiur, 'runAsGroup') === undefined &&
    String(outcome.identity.gid) !== s.imageGroupIgnored
  )
    out.imageGroupIgnored = s.imageGroupIgnored;
  if (s.enforce !== undefined) out.enforce = s.enforce;
  if (s.denial !== undefined) out.denial = s.denial;
  if (s.scc !== undefined) out.scc = s.scc;
  return input.mounts ? resolveWriterLayers(out, s.container, input.mounts) : out;
}

/**
 * The layers after the process starts, on an identity already resolved (and, for a pod the
 * cluster runs, observed): the identity the image's entrypoint switches to, then the storage of
 * each mounted volume and what it does to that writer.
 */
export function resolveWriterLayers(
  r: Resolution,
  container: Container,
  mounts: readonly MountedStorage[],
): Resolution {
  const entry = resolveEntrypointLayer(r.identity, container);
  const { steps, storage, unknowns } = resolveStorageLayer(
    mounts,
    entry.writer,
    r.identity.fsGroup,
  );
  return {
    ...r,
    trace: [...r.trace, ...entry.steps, ...steps],
    unknowns: [...r.unknowns, ...unknowns],
    storage,
    ...(entry.writesAs && { writesAs: entry.writesAs }),
  };
}
