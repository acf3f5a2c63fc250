import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';

/** The nonroot UID and GID of the mover image (`USER 65532:65532`, distroless nonroot; kopiur.md §0 rule 1). */
export const moverNonrootId = 65532;

/**
 * The lowest layer of every kopiur mover (kopiur.md §0 rule 2; K43:crates/api/src/common.rs
 * hardened_security_context, hardened_pod_security_context): no runAsUser or runAsGroup, drop ALL,
 * and a pod fsGroup of 65532, so with nothing else the image's USER decides.
 */
export const hardened: {
  securityContext: SecurityContext;
  podSecurityContext: PodSecurityContext;
} = {
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
  podSecurityContext: { fsGroup: moverNonrootId, fsGroupChangePolicy: 'OnRootMismatch' },
};
