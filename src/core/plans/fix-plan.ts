import type { SccOutcome } from '../admission/openshift.js';
import {
  admits,
  type PodSecurityLevel,
  type PodSecurityVerdict,
} from '../admission/pod-security.js';
import { indexSnapshot } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { planFixJob, type FixJobOptions } from './fix-job.js';
import { planFixTarget, planPlacement, type FixRequest, type FixTarget } from './fix-target.js';
import type { AuditSummary } from '../storage/audit-summary.js';
import { resolveTargetStorage } from '../storage/target-storage.js';
import { planFixStrategy, type FixStrategy } from './fix-strategy.js';
import { resolveJobAdmission } from './job-scc.js';
import { enforceLevel } from './psa-relax.js';

/** A repair planned from a snapshot: what, where, with which Job, and what Pod Security says. */
export interface FixPlan {
  target: FixTarget;
  job: Record<string, unknown>;
  /** What the Job was planned with (also the base of its read-only counting twin, --count). */
  options: FixJobOptions;
  /** Where the image comes from: --image, or the controller (or chart defaults offline). */
  imageFrom: string;
  /** How the repair works on the storage it meets. */
  strategy: FixStrategy;
  /** The audit it repairs from (--from-audit): where it was read. */
  audit?: string;
  podSecurity: {
    level: PodSecurityLevel | undefined;
    /** The namespace's enforce label as written; undefined when absent. */
    label: string | undefined;
    verdict: PodSecurityVerdict;
    admitted: boolean;
    /** OpenShift: the SCC admission of the Job's pod, as far as the namespace's ranges tell. */
    scc?: SccOutcome;
  };
}

/**
 * Plans fix-job: the target and owner, the placement, the Job in the image VolSync already runs
 * the mover (or any mover) in unless `image` overrides it, and the namespace's Pod Security verdict
 * on the Job's pod. Throws PlanRefused when the request cannot be planned.
 */
export function planFix(
  snapshot: Snapshot,
  request: FixRequest,
  o: {
    image?: string;
    onlyUid?: number;
    deadlineSeconds: number;
    ttlSeconds: number;
    /** --mode: the repair as the files' owner where the export squashes root. */
    mode?: string;
    /** --from-audit: repair exactly the classes this audit found. */
    audit?: { summary: AuditSummary; source: string };
  },
): FixPlan {
  const index = indexSnapshot(snapshot);
  const target = planFixTarget(index, request);
  const moverKey = target.mover?.mover ?? 'restic';
  const { storage } = resolveTargetStorage(
    snapshot,
    index,
    target.namespace,
    target.volume,
    o.audit && { summary: o.audit.summary, purpose: target.purpose },
  );
  const strategy = planFixStrategy({
    owner: target.owner,
    storage,
    ...(o.audit && { classes: o.audit.summary.classes }),
    ...(o.mode !== undefined && { mode: o.mode }),
    ...(o.onlyUid !== undefined && { onlyUid: o.onlyUid }),
  });
  const options: FixJobOptions = {
    image: o.image ?? snapshot.moverImages.images[moverKey],
    ...(o.onlyUid !== undefined && { onlyUid: o.onlyUid }),
    deadlineSeconds: o.deadlineSeconds,
    ttlSecondsAfterFinished: o.ttlSeconds,
    placement: planPlacement(snapshot, index, target),
    strategy,
  };
  const job = planFixJob(target, options);
  const nsObj = index.get('Namespace', '', request.namespace);
  const { verdict, scc } = resolveJobAdmission(job, nsObj);
  const { level, label } = enforceLevel(nsObj);
  return {
    target,
    job,
    options,
    strategy,
    ...(o.audit && { audit: o.audit.source }),
    imageFrom:
      o.image !== undefined
        ? '--image'
        : `the ${target.mover ? `${moverKey} mover` : 'VolSync mover'} image: ${snapshot.moverImages.source}`,
    podSecurity: {
      level,
      label,
      verdict,
      admitted: level !== undefined && admits(level, verdict),
      ...(scc && { scc }),
    },
  };
}
