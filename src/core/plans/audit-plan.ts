import type { SccOutcome } from '../admission/openshift.js';
import {
  admits,
  type PodSecurityLevel,
  type PodSecurityVerdict,
} from '../admission/pod-security.js';
import { indexSnapshot } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { planAuditJob, type AuditAccess, type AuditJobOptions } from './audit-job.js';
import { resolveTargetStorage } from '../storage/target-storage.js';
import { planPlacement } from './fix-target.js';
import { resolveJobAdmission } from './job-scc.js';
import { enforceLevel } from './psa-relax.js';
import { resolveVolumeTarget, type VolumeRequest, type VolumeTarget } from './volume-target.js';

/** An audit planned from a snapshot: what, where, with which Job, and what Pod Security says. */
export interface AuditPlan {
  target: VolumeTarget;
  /** The storage the volume is (`NFS server:/path`, `PVC ns/claim`): what the audit is kept under. */
  storageKey: string;
  job: Record<string, unknown>;
  options: AuditJobOptions;
  imageFrom: string;
  podSecurity: {
    level: PodSecurityLevel | undefined;
    label: string | undefined;
    verdict: PodSecurityVerdict;
    admitted: boolean;
    /** OpenShift: the SCC admission of the Job's pod, as far as the namespace's ranges tell. */
    scc?: SccOutcome;
  };
}

/**
 * Plans audit: the volume, the Job in the image VolSync runs the mover in (any VolSync image has
 * perl), where it may run, and the namespace's Pod Security verdict on its pod.
 */
export function planAudit(
  snapshot: Snapshot,
  request: VolumeRequest,
  o: {
    image?: string;
    access: AuditAccess;
    probe: boolean;
    deadlineSeconds: number;
    ttlSeconds: number;
  },
): AuditPlan {
  const index = indexSnapshot(snapshot);
  const target = resolveVolumeTarget(index, request);
  const key = target.maintenance ? 'kopia-maintenance' : (target.mover?.mover ?? 'restic');
  const options: AuditJobOptions = {
    image: o.image ?? snapshot.moverImages.images[key],
    access: o.access,
    probe: o.probe,
    deadlineSeconds: o.deadlineSeconds,
    ttlSecondsAfterFinished: o.ttlSeconds,
    placement: planPlacement(snapshot, index, target),
  };
  const job = planAuditJob(target, options);
  const { storage } = resolveTargetStorage(
    snapshot,
    index,
    target.namespace,
    target.volume,
    undefined,
  );
  const nsObj = index.get('Namespace', '', request.namespace);
  const { verdict, scc } = resolveJobAdmission(job, nsObj);
  const { level, label } = enforceLevel(nsObj);
  return {
    target,
    storageKey: storage.key,
    job,
    options,
    imageFrom:
      o.image !== undefined
        ? '--image'
        : `the ${target.maintenance ? 'KopiaMaintenance' : target.mover ? `${key} mover` : 'VolSync mover'} image: ${snapshot.moverImages.source}`,
    podSecurity: {
      level,
      label,
      verdict,
      admitted: level !== undefined && admits(level, verdict),
      ...(scc && { scc }),
    },
  };
}
