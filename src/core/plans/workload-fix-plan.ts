import { asString, isObject, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { indexSnapshot } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { findOwnerMismatch } from './app-owner.js';
import { planFix, type FixPlan } from './fix-plan.js';
import { PlanRefused } from './plan-refused.js';
import { findReplicaSetter } from './replica-setters.js';
import {
  replicasOf,
  resolveWorkloadClaims,
  type WorkloadClaim,
  type WorkloadKind,
} from './workload-claims.js';
import { podsOf } from './workload-stopped.js';

/** `fix-job sts/NAME --uid U --gid G` (or deploy/NAME): every claim of a workload. */
export interface WorkloadRequest {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  uid: number;
  gid: number;
}

/** What a cluster says beyond the snapshot; left out, a fact is reported as not read. */
export interface WorkloadFacts {
  /** Every PVC of the namespace is in the input (a cluster): a claim not there does not exist. */
  claimsComplete: boolean;
  /** The replicas a run that died recorded (the workload is at 0 because of it). */
  recordedReplicas?: number;
  /** The namespace's HorizontalPodAutoscalers as the API serves them. */
  autoscalers?: readonly unknown[];
  /** The workload's metadata.managedFields. */
  managedFields?: readonly unknown[];
}

export interface WorkloadFixPlan {
  workload: { kind: WorkloadKind; namespace: string; name: string };
  owner: { uid: number; gid: number };
  /** The replicas it has (or a dead run recorded), restored after the repairs. */
  replicas: number;
  /** Whether the plan scales it to 0 and back: not when it has no replicas. */
  scales: boolean;
  /** One repair Job per claim, in claim order, placed as when the workload's pods are gone. */
  repairs: { claim: WorkloadClaim; plan: FixPlan }[];
  /** Claims it names that get no Job, with why. */
  skipped: { claim: WorkloadClaim; why: string }[];
  /** Whether the HPAs and field managers were read (a cluster) and none sets its replicas. */
  replicaSettersChecked: boolean;
  /** The app would start again as another UID than the files' new owner, or it is not known. */
  ownerNote?: string;
  /**
   * VolSync movers of the claims that are not paused: stopping the workload does not stop them,
   * and a sync that starts during the repair reads (or restores) files mid-change.
   */
  movers: { ref: string; claim: string }[];
}

export interface WorkloadFixOptions {
  image?: string;
  onlyUid?: number;
  mode?: string;
  deadlineSeconds: number;
  ttlSeconds: number;
}

/**
 * Plans the repair of a whole workload (the vendor procedure for changing a database's runAsUser,
 * DESIGN.md §1): scale it to 0, one fix-job Job per claim its pods mount, scale it back to the
 * replicas it had. Each Job is the one fix-job plans for `pvc/CLAIM` (strategy from the claim's
 * storage), placed as when the workload's own pods are gone. Throws PlanRefused when it cannot be
 * planned: no such workload, nothing to repair, or something else sets its replica count.
 */
export function planWorkloadFix(
  snapshot: Snapshot,
  r: WorkloadRequest,
  o: WorkloadFixOptions,
  facts: WorkloadFacts,
): WorkloadFixPlan {
  const where = `${r.kind} ${r.namespace}/${r.name}`;
  const w = indexSnapshot(snapshot).get(r.kind, r.namespace, r.name);
  if (!w) throw new PlanRefused('input', `${where}: not found in the input; check the name and -n`);
  const replicas = facts.recordedReplicas ?? replicasOf(w);
  const setter = replicas > 0 ? findReplicaSetter(w, facts, replicas) : undefined;
  if (setter !== undefined) throw new PlanRefused('refused', setter);
  const inNamespace = snapshot.objects.filter(
    (x) => x.kind === 'PersistentVolumeClaim' && namespaceOf(x) === r.namespace,
  );
  const { claims, retained } = resolveWorkloadClaims(
    w,
    replicas,
    new Set(inNamespace.map((c) => c.metadata.name)),
  );
  // placement is decided for when the scale-down is done: the workload's own pods are gone
  const own = new Set(podsOf(w, snapshot.objects));
  const stopped: Snapshot = { ...snapshot, objects: snapshot.objects.filter((x) => !own.has(x)) };
  const repairs: WorkloadFixPlan['repairs'] = [];
  const skipped: WorkloadFixPlan['skipped'] = [];
  for (const claim of claims) {
    if (!claim.inInput && facts.claimsComplete) {
      skipped.push({
        claim,
        why: 'does not exist (its pod never ran, or the claim was deleted): nothing to repair',
      });
      continue;
    }
    const plan = planFix(
      stopped,
      {
        kind: 'PersistentVolumeClaim',
        namespace: r.namespace,
        name: claim.claimName,
        uid: r.uid,
        gid: r.gid,
      },
      {
        ...(o.image !== undefined && { image: o.image }),
        ...(o.onlyUid !== undefined && { onlyUid: o.onlyUid }),
        ...(o.mode !== undefined && { mode: o.mode }),
        deadlineSeconds: o.deadlineSeconds,
        ttlSeconds: o.ttlSeconds,
      },
    );
    repairs.push({ claim, plan });
  }
  for (const claim of retained)
    skipped.push({
      claim,
      why: `not mounted at ${replicas} replicas (kept from an earlier scale-up); repair it with fix-job pvc/${claim.claimName} before scaling up that far`,
    });
  if (repairs.length === 0)
    throw new PlanRefused(
      'input',
      claims.length === 0
        ? `${where}: its pods mount no PersistentVolumeClaim; nothing to repair (fix-job pvc/NAME repairs a claim by name)`
        : `${where}: none of its claims exists (${claims.map((c) => c.claimName).join(', ')}); nothing to repair`,
    );
  const ownerNote = findOwnerMismatch(w, r.uid);
  const names = new Set(repairs.map((x) => x.claim.claimName));
  const movers = snapshot.objects
    .filter(
      (x) =>
        (x.kind === 'ReplicationSource' || x.kind === 'ReplicationDestination') &&
        namespaceOf(x) === r.namespace,
    )
    .filter((x) => path(x.spec, 'paused') !== true)
    .flatMap((x) => {
      const claim = asString(
        x.kind === 'ReplicationSource' ? path(x.spec, 'sourcePVC') : dataPVCOf(x),
      );
      return claim !== undefined && names.has(claim)
        ? [{ ref: `${x.kind}/${x.metadata.name}`, claim }]
        : [];
    });
  return {
    workload: { kind: r.kind, namespace: r.namespace, name: r.name },
    owner: { uid: r.uid, gid: r.gid },
    replicas,
    scales: replicas > 0,
    repairs,
    skipped,
    replicaSettersChecked: facts.autoscalers !== undefined && facts.managedFields !== undefined,
    movers,
    ...(ownerNote !== undefined && { ownerNote }),
  };
}

/** A ReplicationDestination's destinationPVC, under whichever mover key it has. */
function dataPVCOf(rd: KubeObject): unknown {
  const spec = rd.spec;
  if (!isObject(spec)) return undefined;
  for (const v of Object.values(spec))
    if (isObject(v) && v['destinationPVC'] !== undefined) return v['destinationPVC'];
  return undefined;
}
