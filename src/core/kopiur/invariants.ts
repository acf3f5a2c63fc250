import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';
import type { KopiurVersion } from './versions/types.js';

/** What an invariant changed after the merge. */
export interface InvariantChange {
  rule: 'INV-1' | 'INV-2';
  field: string;
  value: boolean;
  why: string;
}

export const invariantSource = 'kopiur.md §0 rule 5 (K:crates/api/src/invariants.rs)';

/**
 * The invariants kopiur applies to the merged contexts from 0.4.7: INV-1, an effective UID 0
 * turns every runAsNonRoot true into false (the kubelet would refuse to start it); INV-2, a
 * privileged container or one adding exactly `CAP_SYS_ADMIN` gets allowPrivilegeEscalation true
 * (the API server rejects false beside them).
 */
export function applyInvariants(
  sc: SecurityContext,
  psc: PodSecurityContext,
  version: KopiurVersion,
): {
  securityContext: SecurityContext;
  podSecurityContext: PodSecurityContext;
  changes: InvariantChange[];
} {
  if (!version.invariants) return { securityContext: sc, podSecurityContext: psc, changes: [] };
  const changes: InvariantChange[] = [];
  let c = sc;
  let p = psc;
  if ((sc.runAsUser ?? psc.runAsUser) === 0) {
    const why = 'the effective UID is 0';
    if (sc.runAsNonRoot === true) {
      c = { ...c, runAsNonRoot: false };
      changes.push({ rule: 'INV-1', field: 'container.runAsNonRoot', value: false, why });
    }
    if (psc.runAsNonRoot === true) {
      p = { ...p, runAsNonRoot: false };
      changes.push({ rule: 'INV-1', field: 'pod.runAsNonRoot', value: false, why });
    }
  }
  const sysAdmin = sc.capabilities?.add?.includes('CAP_SYS_ADMIN') === true;
  if ((sc.privileged === true || sysAdmin) && sc.allowPrivilegeEscalation === false) {
    c = { ...c, allowPrivilegeEscalation: true };
    changes.push({
      rule: 'INV-2',
      field: 'container.allowPrivilegeEscalation',
      value: true,
      why: sc.privileged === true ? 'the container is privileged' : 'it adds CAP_SYS_ADMIN',
    });
  }
  return { securityContext: c, podSecurityContext: p, changes };
}
