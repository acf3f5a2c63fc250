import type { AuditSummary } from './audit-summary.js';
import type { Squash } from './nfs-squash.js';

/** What `audit --probe` tells of an export's squashing, and how. */
export interface ProbedSquash {
  squash: Squash | null;
  evidence: string;
}

/**
 * Reads the squash mode off the probe's two files (k8s-identity §4.3): one created as UID 0
 * keeps owner 0 only without squashing; then one created as the volume root's owner keeps that
 * owner under root_squash and becomes the anonymous identity under all_squash. null when the
 * probe could not tell (it could not create either file, or the root is owned by UID 0).
 */
export function resolveProbedSquash(s: AuditSummary): ProbedSquash | undefined {
  const [root, owner] = s.probe ?? [];
  if (!root) return undefined;
  const as = (p: { observedUid?: number; observedGid?: number }) =>
    `${p.observedUid ?? '?'}:${p.observedGid ?? '?'}`;
  if (root.created && root.observedUid === 0)
    return {
      squash: { mode: 'no_root_squash', anonUid: 65534, anonGid: 65534 },
      evidence: `a file created as UID 0 stayed owned by ${as(root)}`,
    };
  const rootSaw = root.created
    ? `a file created as ${root.uid}:${root.gid} came out owned by ${as(root)}`
    : `UID 0 could not create a file in the volume root (${root.errno ?? 'error'}) though it holds DAC_OVERRIDE`;
  if (!owner)
    return {
      squash: null,
      evidence: `${rootSaw}: root is squashed; root_squash or all_squash (the root is owned by UID 0, so no second probe)`,
    };
  const anonUid = root.created ? (root.observedUid ?? 65534) : 65534;
  const anonGid = root.created ? (root.observedGid ?? 65534) : 65534;
  if (owner.created && owner.observedUid === owner.uid)
    return {
      squash: { mode: 'root_squash', anonUid, anonGid },
      evidence: `${rootSaw}; one created as the root's owner ${owner.uid}:${owner.gid} kept ${as(owner)}`,
    };
  if (owner.created)
    return {
      squash: {
        mode: 'all_squash',
        anonUid: owner.observedUid ?? anonUid,
        anonGid: owner.observedGid ?? anonGid,
      },
      evidence: `${rootSaw}; one created as ${owner.uid}:${owner.gid} came out owned by ${as(owner)}`,
    };
  return {
    squash: null,
    evidence: `${rootSaw}; the root's owner ${owner.uid}:${owner.gid} could not create one either (${owner.errno ?? 'error'}): all_squash, or a root directory its owner cannot write`,
  };
}
