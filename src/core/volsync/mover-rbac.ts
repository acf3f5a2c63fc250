import type { Json } from '../k8s/json.js';
import { volsyncServiceAccount } from './build-mover-pod.js';
import type { MoverSpec } from './mover-spec.js';

/** The rule VolSync grants a privileged mover's ServiceAccount, OpenShift or not (§4.1). */
const sccRule = {
  apiGroups: ['security.openshift.io'],
  resources: ['securitycontextconstraints'],
  resourceNames: ['volsync-privileged-mover'],
  verbs: ['use'],
};

/**
 * The ServiceAccount, Role and RoleBinding VolSync creates for a mover, all named
 * `volsync-{src|dst}-NAME` (never shortened); none with a moverServiceAccount, which VolSync
 * uses as it is (volsync-semantics §4.1; the real controllers agree, test/oracle).
 */
export function moverRbac(m: MoverSpec, privileged: boolean): Json[] {
  if (m.moverServiceAccount !== undefined) return [];
  const name = volsyncServiceAccount(m.kind, m.name);
  const metadata = { name, namespace: m.namespace };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      ...(privileged && { rules: [sccRule] }),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: m.namespace }],
    },
  ];
}
