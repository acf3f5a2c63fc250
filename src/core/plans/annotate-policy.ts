import {
  listedPods,
  ownPolicyObjects,
  scopePolicyObjects,
  specHashKey,
  type PolicyApi,
  type ScopePolicyKind,
} from '../admission/scope-policy.js';
import type { KubeObject } from '../k8s/object.js';
import type { MoverSpec } from '../volsync/mover-spec.js';

/** The policy a scoped grant needs: it demotes or rejects the privileged pods of every other mover. */
export interface PolicyChoice {
  kind: ScopePolicyKind;
  api: PolicyApi;
  scopedTo: string;
  /** The movers the privilege is granted to: the only ones the policy leaves alone. */
  listed: MoverSpec[];
}

export interface PolicyObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface PolicyChanges {
  /** Policy objects to create or update (server-side apply), before the Namespace is written. */
  write: KubeObject[];
  /** Our policy objects this namespace no longer needs, deleted after it. */
  deletes: PolicyObjectRef[];
  /** The namespace's policy objects once the plan is applied, to resolve the movers after. */
  after: KubeObject[];
}

const refOf = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;

/**
 * What to write and delete so that the namespace's policy objects are exactly those `choice`
 * needs (none without one). An object whose spec digest matches is left alone: a second run
 * writes nothing.
 */
export function planPolicyChanges(
  objects: KubeObject[],
  namespace: string,
  choice: PolicyChoice | null,
): PolicyChanges {
  const current = ownPolicyObjects(objects, namespace);
  const desired = choice
    ? scopePolicyObjects({
        kind: choice.kind,
        api: choice.api,
        namespace,
        scopedTo: choice.scopedTo,
        listed: listedPods(choice.listed),
      })
    : [];
  const wanted = new Set(desired.map(refOf));
  const write = desired.filter((o) => {
    const have = current.find((c) => refOf(c) === refOf(o));
    return (
      have?.apiVersion !== o.apiVersion ||
      have.metadata.annotations?.[specHashKey] !== o.metadata.annotations?.[specHashKey]
    );
  });
  return {
    write,
    deletes: current
      .filter((c) => !wanted.has(refOf(c)))
      .map((c) => ({ apiVersion: c.apiVersion, kind: c.kind, name: c.metadata.name })),
    after: desired,
  };
}
