import { namespaceOf, type KubeObject } from '../k8s/object.js';
import type { SnapshotIndex } from '../snapshot-index.js';

/**
 * The workload of the input VolSync created for `owner` under the kind and name its rules give
 * it: controlled by the owner, or with no controller said (a manifest dump without
 * ownerReferences). Another object's workload of that name is not the mover's. `explain` (VP025,
 * the observation) and `render --diff-live` read it alike.
 */
export function findCreatedWorkload(
  index: SnapshotIndex,
  owner: KubeObject,
  workload: { kind: string; name: string },
): KubeObject | undefined {
  const w = index.get(workload.kind, namespaceOf(owner), workload.name);
  const by = w?.metadata.controlledBy;
  return w && (by === undefined || by === `${owner.kind}/${owner.metadata.name}`) ? w : undefined;
}
