import type { PodSecurityLevel } from '../../admission/pod-security.js';
import type { SccOutcome } from '../../admission/openshift.js';
import type { Container, PodSecurityContext, PodSpec, SecurityContext } from '../../k8s/types.js';
import type { KopiurBuild } from '../../kopiur/build-kopiur-mover.js';
import type { BuiltPod } from '../../volsync/build-mover-pod.js';
import type { VersionChoice } from '../../volsync/versions/resolve-version.js';
import type { NamespaceFacts, PrivilegedDecision } from '../../volsync/privileged.js';
import type { ImageFacts, ImageUser } from '../image.js';
import type { MountedStorage } from './storage.js';
import type { Layer, TraceStep } from '../trace.js';
import type { Unknown } from '../unknown.js';

/** The facts one container's identity is resolved from. */
export interface ResolveInput {
  pod: PodSpec;
  container: Container;
  image: ImageFacts;
  namespace: string;
  /** undefined = the Namespace object is not known. */
  namespaceFacts: NamespaceFacts | undefined;
  /** Set for pods VolSync builds: the privileged decision and how the pod was built. */
  volsync?: { decision: PrivilegedDecision; built: BuiltPod; version: VersionChoice };
  /** Set for pods kopiur builds: its ladder, invariants and gate. */
  kopiur?: KopiurBuild;
  /** Admission policies that change or reject this pod (annotate --scoped's), already evaluated. */
  admission?: AdmissionEffects;
  /** The volumes the container mounts and their storage: given, the storage layer runs. */
  mounts?: readonly MountedStorage[];
}

export interface AdmissionEffects {
  /** The pod after a mutating policy, and what it changed; the runtime sees this pod. */
  mutation?: { by: string; pod: PodSpec; changes: string[]; source: string };
  /** A validating policy rejects the pod. */
  denial?: { by: string; message: string; source: string };
}

/**
 * The identity so far, as the layers hand it on: the pod and container the next layer sees (an
 * admission mutation replaces them), and what each layer decided. Trace steps and unknowns are
 * appended in layer order.
 */
export interface ResolveState {
  readonly input: ResolveInput;
  pod: PodSpec;
  container: Container;
  /** Container fields VolSync set (or kopiur hoisted): their trace layer is volsync (kopiur), not container. */
  overridden: ReadonlySet<string>;
  /** The parsed image USER; null = unknown. */
  imageUser: ImageUser | null;
  /** The `:group` of the image USER, which Kubernetes ignores. */
  imageGroupIgnored?: string;
  scc?: SccOutcome;
  enforce?: PodSecurityLevel;
  admitted: boolean | null;
  /** A validating policy that rejects the pod, whatever Pod Security says. */
  denial?: { by: string; message: string };
  trace: TraceStep[];
  unknowns: Unknown[];
}

/** What a layer adds: its trace steps and unknowns, and the state fields it decides. */
export type LayerResult<S> = Partial<S> & { steps: TraceStep[]; unknowns?: Unknown[] };

/** Appends a layer's steps and unknowns and takes the fields it decided. */
export function applyLayer<S extends { trace: TraceStep[]; unknowns: Unknown[] }>(
  s: S,
  r: LayerResult<S>,
): S {
  for (const t of r.steps) s.trace.push(t);
  if (r.unknowns) for (const u of r.unknowns) s.unknowns.push(u);
  // not `{ steps, unknowns, ...set } = r`: a rest pattern copies r by the slow generic path, and
  // this runs seven times for every container of a report
  const next: S = { ...s };
  for (const k of Object.keys(r) as (keyof S & string)[])
    if (k !== 'steps' && k !== 'unknowns') next[k] = r[k] as S[keyof S & string];
  return next;
}

export function step(
  layer: Layer,
  field: string,
  value: TraceStep['value'],
  effect: string,
  source: string,
): TraceStep {
  return { layer, field, value, effect, source };
}

export const podSecurityContextOf = (s: { pod: PodSpec }): PodSecurityContext =>
  s.pod.securityContext ?? {};
export const containerSecurityContextOf = (s: { container: Container }): SecurityContext =>
  s.container.securityContext ?? {};

/** The rules the layers encode, by research section and upstream citation. */
export const rules = {
  merge: 'k8s-identity §0 rule 1 (K:pkg/securitycontext/util.go DetermineEffectiveSecurityContext)',
  uid: 'k8s-identity §0 rule 2, §1.1 (K:kuberuntime/helpers.go getImageUser)',
  gid: 'k8s-identity §0 rule 3, §1.2 (CD:pkg/oci/spec_opts.go WithUserID)',
  groups: 'k8s-identity §0 rule 4, §2.1',
  caps: 'k8s-identity §5.2-5.3',
  nonRoot: 'k8s-identity §3 (K:kuberuntime/security_context_others.go verifyRunAsNonRoot)',
  psa: 'k8s-identity §6 (pod-security-admission)',
  image: 'k8s-identity §1.3 (kubernetes#61967)',
};
