import { asArray, asString, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import { podTemplateOf } from '../report/workloads.js';
import { textOrder } from '../text-order.js';

/** The workloads fix-job stops, repairs and starts again as a whole. */
export type WorkloadKind = 'StatefulSet' | 'Deployment';

/** A PersistentVolumeClaim a workload's pods mount, and how the workload names it. */
export interface WorkloadClaim {
  claimName: string;
  /** `volume config`, or `volumeClaimTemplate data, ordinal 1`. */
  from: string;
  /** Whether the claim is in the input (the StatefulSet controller creates template claims). */
  inInput: boolean;
}

/** spec.replicas; unset is 1, the API server's default for both kinds. */
export function replicasOf(w: KubeObject): number {
  const r = path(w.spec, 'replicas');
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : 1;
}

/**
 * The claims the workload's pods mount at `replicas`: every persistentVolumeClaim volume of its
 * pod template and, for a StatefulSet, `<template>-<statefulset>-<ordinal>` for each
 * volumeClaimTemplate and each ordinal from spec.ordinals.start (default 0) on, as the StatefulSet
 * controller names them (kubernetes.io/docs/concepts/workloads/controllers/statefulset, "Stable
 * Storage" and "Start ordinal"). At 0 replicas no ordinal is running: the template claims are those
 * of the input, which the pods mount again when it scales up. `retained` are template claims of the
 * input beyond the replicas (kept after a scale-down): not mounted now, so not repaired.
 */
export function resolveWorkloadClaims(
  w: KubeObject,
  replicas: number,
  claimsInNamespace: ReadonlySet<string>,
): { claims: WorkloadClaim[]; retained: WorkloadClaim[] } {
  const templates =
    w.kind === 'StatefulSet'
      ? asArray(path(w.spec, 'volumeClaimTemplates'))
          .map((t) => asString(path(t, 'metadata', 'name')))
          .filter((n): n is string => n !== undefined)
      : [];
  const byName = new Map<string, WorkloadClaim>();
  const add = (claimName: string, from: string) => {
    if (!byName.has(claimName))
      byName.set(claimName, { claimName, from, inInput: claimsInNamespace.has(claimName) });
  };
  for (const v of asArray(path(podTemplateOf(w), 'volumes'))) {
    const claim = asString(path(v, 'persistentVolumeClaim', 'claimName'));
    const name = asString(path(v, 'name')) ?? '?';
    // the controller gives a volume named like a volumeClaimTemplate the template's claim
    if (claim !== undefined && !templates.includes(name)) add(claim, `volume ${name}`);
  }
  const start = ordinalStart(w);
  const retained: WorkloadClaim[] = [];
  for (const t of templates) {
    const prefix = `${t}-${w.metadata.name}-`;
    const existing = [...claimsInNamespace]
      .map((c) => ({ c, ordinal: ordinalOf(c, prefix) }))
      .filter((x): x is { c: string; ordinal: number } => x.ordinal !== undefined);
    if (replicas === 0)
      for (const { c, ordinal } of existing) add(c, `volumeClaimTemplate ${t}, ordinal ${ordinal}`);
    for (let i = start; i < start + replicas; i++)
      add(`${prefix}${i}`, `volumeClaimTemplate ${t}, ordinal ${i}`);
    if (replicas > 0)
      for (const { c, ordinal } of existing)
        if (ordinal < start || ordinal >= start + replicas)
          retained.push({
            claimName: c,
            from: `volumeClaimTemplate ${t}, ordinal ${ordinal}`,
            inInput: true,
          });
  }
  const byClaim = (a: WorkloadClaim, b: WorkloadClaim) => textOrder(a.claimName, b.claimName);
  return { claims: [...byName.values()].sort(byClaim), retained: retained.sort(byClaim) };
}

function ordinalStart(w: KubeObject): number {
  const s = path(w.spec, 'ordinals', 'start');
  return typeof s === 'number' && Number.isInteger(s) && s >= 0 ? s : 0;
}

/** The ordinal of a claim named `<prefix><ordinal>`, as the controller writes it (no leading 0). */
function ordinalOf(claim: string, prefix: string): number | undefined {
  if (!claim.startsWith(prefix)) return undefined;
  const rest = claim.slice(prefix.length);
  return /^(0|[1-9]\d{0,8})$/.test(rest) ? Number(rest) : undefined;
}
