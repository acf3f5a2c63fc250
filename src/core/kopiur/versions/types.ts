/**
 * The rules of one kopiur release that decide a mover's security contexts, as data: the same
 * rule functions read every release's table (issue 18; kopiur.md §8). A release's table says what
 * changed from the one before it.
 */
export interface KopiurVersion {
  /** `0.4.3`, `0.9.0`, or `main` (the post-0.10.8 branch, unreleased). */
  id: string;
  /**
   * How the layers give the UID and GID: `per-field` overlays each context field by field, so a
   * lower layer's container runAsUser beats a higher layer's pod runAsUser (kubelet precedence);
   * `highest-pinning-layer` copies the effective UID (and, independently, GID) of the highest
   * layer that pins one onto the container (kopiur#304).
   */
  identityMerge: 'per-field' | 'highest-pinning-layer';
  /** INV-1 (UID 0 clears runAsNonRoot) and INV-2 (privileged or CAP_SYS_ADMIN allows escalation). */
  invariants: boolean;
  /** Inherited contexts merge under the explicit ones; before, inheritance was ignored beside them. */
  inheritMergesWithExplicit: boolean;
  /** `inheritSecurityContextFrom.snapshot` (the identity recorded on the backup) exists. */
  inheritFromSnapshot: boolean;
  /** `Snapshot.spec.mover` is a layer above the policy's (#464). */
  snapshotMoverLayer: boolean;
}
