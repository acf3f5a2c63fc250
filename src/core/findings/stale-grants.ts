import { asArray, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import { volsyncServiceAccount } from '../volsync/build-mover-pod.js';
import { at, emit, subjectRef, type Emission, type FindingContext } from './context.js';

const includes = (rule: unknown, key: string, value: string) =>
  asArray(path(rule, key)).some((v) => v === value || v === '*');

/** A rule that lets the ServiceAccount `use` an OpenShift SCC (volsync-semantics §4.1). */
export function grantsScc(role: KubeObject): boolean {
  return asArray(path(role.spec, 'rules')).some(
    (r) =>
      includes(r, 'apiGroups', 'security.openshift.io') &&
      includes(r, 'resources', 'securitycontextconstraints') &&
      includes(r, 'verbs', 'use'),
  );
}

/**
 * VP017: VolSync only ever adds the SCC `use` rule to a mover's Role and never removes it, so a
 * mover that is no longer privileged keeps the grant until its RS/RD is deleted
 * (volsync-semantics §4.1 stale-grant caveat); anyone who can run pods as that ServiceAccount can
 * still use the privileged SCC.
 */
export function findStaleGrants(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) => {
    const m = s.mover;
    // legacy rsync is always privileged; a user-supplied ServiceAccount gets no Role from VolSync
    if (!m || m.mover === 'rsync' || m.moverServiceAccount !== undefined) return [];
    if (s.subject.privileged !== false) return [];
    const name = volsyncServiceAccount(m.kind, m.name);
    const role = ctx.index.get('Role', m.namespace, name);
    if (!role || !grantsScc(role)) return [];
    return [
      emit('VP017', [s], {
        message: `${s.subject.kind} ${s.subject.name} runs unprivileged, but Role ${name} still grants "use" on the privileged-mover SCC: VolSync never removes that rule, so pods running as ServiceAccount ${name} can still use it`,
        objects: [subjectRef(s), `Role/${m.namespace}/${name}`],
        fix: `delete the Role so VolSync recreates it without the rule (kubectl delete role -n ${m.namespace} ${name}, or kubectl volsync-perms annotate ns/${m.namespace} --privileged=false --prune-stale-grants)`,
        ...at(role, 'rules'),
      }),
    ];
  });
}
