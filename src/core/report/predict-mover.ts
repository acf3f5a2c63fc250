import {
  demotePod,
  deniesPod,
  scopePoliciesFor,
  type ScopePolicyEffect,
} from '../admission/scope-policy.js';
import type { ImageFacts } from '../identity/image.js';
import { mergeUnknownPrivileged } from '../identity/merge.js';
import { resolveIdentity, type AdmissionEffects, type Resolution } from '../identity/resolve.js';
import type { Container } from '../k8s/types.js';
import { buildMoverPod, type BuiltPod } from '../volsync/build-mover-pod.js';
import type { MoverShape } from '../volsync/mover-spec.js';
import { podLabels } from '../volsync/pod-manifest.js';
import {
  privilegedMoversKey,
  resolvePrivileged,
  type NamespaceFacts,
} from '../volsync/privileged.js';
import { versionFor } from '../volsync/versions/resolve-version.js';
import type { SubjectContext } from './subjects.js';

/** The pod VolSync builds for a mover one way (privileged or not), and its identity. */
export interface MoverBuild {
  built: BuiltPod;
  /** annotate --scoped's policy that demotes or rejects this pod. */
  policy?: ScopePolicyEffect;
  r: Resolution;
}

/** What VolSync would run for a mover, before anything the cluster holds is looked at. */
export interface MoverPrediction {
  /** Whether VolSync builds it privileged; null = the Namespace is not known. */
  privileged: boolean | null;
  off: MoverBuild;
  on: MoverBuild;
  /** The build VolSync chooses; null when that is not known. */
  chosen: MoverBuild | null;
  /** The chosen build's resolution, or both merged when the choice is not known. */
  predicted: Resolution;
}

const policySource = 'annotate --scoped (README "Scoped privileged movers"); k8s-identity §6';

/**
 * What annotate --scoped's policies do to a mover pod VolSync built: the demote policy gives it
 * back the unprivileged container securityContext, the deny policy rejects it.
 */
function scopeAdmission(
  ctx: SubjectContext,
  ns: string,
  facts: NamespaceFacts | undefined,
  built: BuiltPod,
): { effects: AdmissionEffects; by: ScopePolicyEffect } | undefined {
  if (ctx.policies.length === 0) return undefined;
  for (const p of scopePoliciesFor(ctx.policies, ns, facts?.labels ?? {}, podLabels(built))) {
    if (p.kind === 'demote') {
      const d = demotePod(built.pod);
      if (d)
        return {
          effects: { mutation: { by: p.policy, ...d, source: policySource } },
          by: p,
        };
    } else if (deniesPod(built.pod))
      return {
        effects: {
          denial: {
            by: p.policy,
            message: `${p.policy} (bound by ${p.binding}) rejects privileged pods of the movers outside the scope`,
            source: policySource,
          },
        },
        by: p,
      };
  }
  return undefined;
}

/**
 * Predicts a mover in namespace `ns`: the unprivileged build always (VP001's before → after), the
 * privileged one when the namespace allows it or it is not known whether it does.
 */
export function predictMover(
  ctx: SubjectContext,
  m: MoverShape,
  ns: string,
  facts: NamespaceFacts | undefined,
  image: { ref: string; facts: ImageFacts },
): MoverPrediction {
  const version = versionFor(ctx.version, m.mover === 'kopia');
  const decision = resolvePrivileged(m.mover, facts, ns, version.version);
  const build = (privileged: boolean): MoverBuild => {
    const built = buildMoverPod(m, privileged, image.ref, version.version);
    const d = decision.value === null ? { value: privileged, steps: decision.steps } : decision;
    const admission = scopeAdmission(ctx, ns, facts, built);
    const r = resolveIdentity({
      pod: built.pod,
      container: built.pod.containers[0] as Container,
      image: image.facts,
      namespace: ns,
      namespaceFacts: facts,
      volsync: { decision: d, built, version },
      ...(admission && { admission: admission.effects }),
    });
    return admission ? { built, policy: admission.by, r } : { built, r };
  };
  const off = build(false);
  const on = decision.value === false ? off : build(true);
  const chosen = decision.value === null ? null : decision.value ? on : off;
  const predicted = chosen
    ? chosen.r
    : mergeUnknownPrivileged(off.r, on.r, `Namespace/${ns} annotation ${privilegedMoversKey}`);
  return { privileged: decision.value, off, on, chosen, predicted };
}
