import { asString, isObject, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import { fieldManager } from './fix-job.js';

/**
 * Field managers that write spec.replicas with Update (not Apply) yet reconcile it again on their
 * own: a GitOps controller puts its value back while the workload is meant to be stopped. Apply
 * managers (Flux's kustomize-controller, Argo CD with server-side apply, `kubectl apply
 * --server-side`) are recognised by their operation and need no entry.
 */
const reconcilers: Record<string, string> = {
  'helm-controller': 'Flux HelmRelease',
  'argocd-controller': 'Argo CD Application',
  'argocd-application-controller': 'Argo CD Application',
};

/** How to stop a manager for the repair: the Flux object it belongs to when its labels say so. */
function suspendHint(manager: string, w: KubeObject): string {
  const l = w.metadata.labels ?? {};
  const flux = (kind: string, group: string) => {
    const name = l[`${group}/name`];
    const ns = l[`${group}/namespace`];
    return name === undefined
      ? `suspend the Flux ${kind} that applies it (flux suspend ${kind.toLowerCase()} NAME)`
      : `flux suspend ${kind.toLowerCase()} ${name}${ns === undefined ? '' : ` -n ${ns}`}`;
  };
  if (manager === 'kustomize-controller' || l['kustomize.toolkit.fluxcd.io/name'] !== undefined)
    return flux('Kustomization', 'kustomize.toolkit.fluxcd.io');
  if (manager === 'helm-controller') return flux('HelmRelease', 'helm.toolkit.fluxcd.io');
  if (reconcilers[manager] === 'Argo CD Application')
    return 'turn off automated sync (self-heal) of its Argo CD Application';
  return `stop what applies it as "${manager}" (a GitOps controller, a CI job)`;
}

/**
 * Who else sets the workload's replica count and would undo the scale-down while the repair runs:
 * a HorizontalPodAutoscaler whose scaleTargetRef is the workload, or another field manager that
 * owns spec.replicas (managedFields, server-side apply) and applies it again: one with the Apply
 * operation, or a known reconciler. Its value is the current one, never the 0 the repair sets.
 * Returns the refusal, `<object>: <what>; <fix>`, or undefined; facts not read are not judged.
 */
export function findReplicaSetter(
  w: KubeObject,
  facts: { autoscalers?: readonly unknown[]; managedFields?: readonly unknown[] },
  replicas: number,
): string | undefined {
  const where = `${w.kind} ${w.metadata.namespace ?? ''}/${w.metadata.name}`;
  const hpa = (facts.autoscalers ?? []).find(
    (h) =>
      asString(path(h, 'spec', 'scaleTargetRef', 'kind')) === w.kind &&
      asString(path(h, 'spec', 'scaleTargetRef', 'name')) === w.metadata.name &&
      (asString(path(h, 'spec', 'scaleTargetRef', 'apiVersion')) ?? 'apps/v1').startsWith('apps/'),
  );
  if (hpa !== undefined) {
    const name = asString(path(hpa, 'metadata', 'name')) ?? '?';
    return `${where}: HorizontalPodAutoscaler ${name} scales it and would fight the scale-down and the restore; delete it for the repair and re-create it afterwards, or stop the workload yourself and repair each claim with fix-job pvc/NAME`;
  }
  for (const e of facts.managedFields ?? []) {
    const manager = asString(path(e, 'manager')) ?? '';
    if (manager === fieldManager || !isObject(path(e, 'fieldsV1', 'f:spec', 'f:replicas')))
      continue;
    if (asString(path(e, 'operation')) !== 'Apply' && reconcilers[manager] === undefined) continue;
    return `${where}: field manager "${manager}" owns spec.replicas (${replicas}) and would set it back during the repair; ${suspendHint(manager, w)}, run fix-job again, then resume it`;
  }
  return undefined;
}
