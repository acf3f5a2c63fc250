/**
 * The per-mover Role VolSync writes while a mover is privileged, with the SCC `use` rule it never
 * removes afterwards (volsync-semantics §4.1), as YAML ending with a document separator.
 */
export function sccRoleYaml(ns: string, mover: string): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: volsync-src-${mover}
  namespace: ${ns}
  labels: {app.kubernetes.io/created-by: volsync}
rules:
  - apiGroups: [security.openshift.io]
    resources: [securitycontextconstraints]
    resourceNames: [volsync-privileged-mover]
    verbs: [use]
---
`;
}

/** A kopia ReplicationSource as in the incident: moverSecurityContext 1000:1000, as YAML ending with a separator. */
export function kopiaMoverYaml(ns: string, name: string): string {
  return `apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata: {name: ${name}, namespace: ${ns}}
spec:
  sourcePVC: ${name}
  kopia:
    repository: ${name}-kopia
    moverSecurityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
---
`;
}
