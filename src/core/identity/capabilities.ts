import type { SecurityContext } from '../k8s/types.js';

export interface CapabilityResult {
  /** The bounding set the runtime gives the container; null = the runtime's default set (unknown here). */
  bounding: string[] | null;
  /** Names in add that Pod Security and the runtime treat differently (lower case, CAP_ prefix). */
  added: string[];
}

const norm = (c: string) => c.toUpperCase().replace(/^CAP_/, '');

/**
 * containerd's WithCapabilities: add ALL → all; drop ALL → none; then add, then drop
 * (k8s-identity §5.2). The runtime default set differs between containerd and CRI-O, so a container
 * that does not drop ALL has an unknown bounding set.
 */
export function resolveBoundingCaps(sc: SecurityContext | undefined): CapabilityResult {
  const add = sc?.capabilities?.add ?? [];
  const drop = sc?.capabilities?.drop ?? [];
  if (sc?.privileged === true || add.some((c) => norm(c) === 'ALL'))
    return { bounding: ['ALL'], added: add };
  if (!drop.some((c) => norm(c) === 'ALL')) return { bounding: null, added: add };
  const dropped = new Set(drop.map(norm));
  const set = new Set(add.map(norm).filter((c) => !dropped.has(c)));
  return { bounding: [...set].sort(), added: add };
}

/**
 * Effective capabilities of the first process: UID 0 gets the bounding set; any other UID gets
 * none, as Kubernetes has no ambient capabilities (k8s-identity §5.3).
 */
export function effectiveCaps(uid: number | null, bounding: string[] | null): string[] | null {
  if (uid !== null && uid !== 0) return [];
  if (bounding !== null && bounding.length === 0) return [];
  if (uid === 0) return bounding;
  return null;
}
