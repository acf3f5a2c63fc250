import { moverRules } from '../volsync/movers.js';
import {
  annotationAt,
  at,
  emit,
  identityAt,
  subjectArg,
  subjectRef,
  type Emission,
  type FindingContext,
} from './context.js';
import { scopedToKey } from '../plans/annotation-keys.js';
import { admits } from '../admission/pod-security.js';
import type { Resolution } from '../identity/resolve.js';

/**
 * Pods that will not run: rsync-tls at UID 0 unprivileged (VP004, volsync-semantics §3),
 * runAsNonRoot refused by the kubelet (VP005, k8s-identity §3), admission rejection (VP009,
 * k8s-identity §6-7), an image user missing from /etc/passwd (VP015, k8s-identity §1.2).
 */
export function findStartFailures(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const ref = subjectRef(s);
    for (const c of s.containers) {
      const r = c.resolution;
      if (s.mover?.mover === 'rsync-tls' && s.subject.privileged === false && r.identity.uid === 0)
        out.push(
          emit('VP004', [s], {
            message: `${s.subject.kind} ${s.subject.name}: rsync-tls runs as UID 0 without privileges, which VolSync does not support (rsync cannot drop to its unprivileged user without SETUID/SETGID)`,
            objects: [ref],
            fix: `set spec.rsyncTLS.moverSecurityContext.runAsUser to a non-zero UID (the data owner), or allow privileged movers in Namespace ${s.subject.namespace}`,
            ...identityAt(s, 'runAsUser'),
          }),
        );
      if (r.runAsNonRoot.refused === true) {
        const privileged =
          s.subject.privileged === true &&
          s.mover !== undefined &&
          !moverRules[s.mover.mover].alwaysPrivileged;
        out.push(
          emit('VP005', [s], {
            message: `${c.report.workload} container ${c.report.name}: ${r.runAsNonRoot.message ?? 'runAsNonRoot is refused'}; the pod is created but the container never starts (CreateContainerConfigError)`,
            objects: [ref],
            fix: privileged
              ? 'a privileged mover is always UID 0: drop runAsNonRoot from moverSecurityContext or remove the privileged annotation'
              : 'set a numeric non-zero runAsUser next to runAsNonRoot',
            ...(privileged
              ? annotationAt(ctx, s.subject.namespace)
              : identityAt(s, 'runAsNonRoot')),
          }),
        );
      }
      if (r.imageUserMissing !== undefined)
        out.push(
          emit('VP015', [s], {
            message: `${c.report.workload} container ${c.report.name}: image user ${r.imageUserMissing} has no entry in the image /etc/passwd, so container creation fails`,
            objects: [ref],
            fix: 'set a numeric runAsUser, or fix the image USER',
          }),
        );
    }
    // kopiur's own gate is VP027's; VP009 is what the API server's admission rejects
    const rejected = s.containers.find(
      (c) => c.resolution.admitted === false && !(s.kopiur && onlyGateRefuses(c.resolution)),
    );
    if (rejected) {
      const r = rejected.resolution;
      const reason =
        (r.serverRejection &&
          `the API server rejects it (server-side dry run): ${r.serverRejection}`) ??
        r.denial?.message ??
        r.scc?.rejected ??
        `Pod Security "${r.enforce ?? '?'}" rejects it: ${r.podSecurity.violations.join('; ')}`;
      const privileged = s.subject.privileged === true;
      const scope = ctx.namespaces.get(s.subject.namespace)?.annotations[scopedToKey];
      out.push(
        emit('VP009', [s], {
          message: `${rejected.report.workload} in Namespace ${s.subject.namespace}: ${reason}; the ${s.mover?.mover === 'syncthing' ? 'Deployment' : 'Job'} is created but its pods are not`,
          objects: [ref, `Namespace/${s.subject.namespace}`],
          fix:
            r.denial && !r.serverRejection
              ? `it is outside the privileged scope of Namespace ${s.subject.namespace} (${scope ?? ''}): add it with kubectl volsync-perms annotate ns/${s.subject.namespace} --privileged --scoped ${[scope, subjectArg(s)].filter(Boolean).join(',')} --deny-others --apply, or move it to a namespace without the grant`
              : privileged
                ? `privileged movers need Pod Security baseline: label Namespace ${s.subject.namespace} pod-security.kubernetes.io/enforce=baseline, or run the mover unprivileged`
                : 'add runAsNonRoot: true, a non-zero runAsUser and seccompProfile: {type: RuntimeDefault} to the moverSecurityContext',
          ...(privileged
            ? at(
                ctx.index.get('Namespace', s.subject.namespace, s.subject.namespace),
                'metadata',
                'labels',
                'pod-security.kubernetes.io/enforce',
              )
            : identityAt(s)),
        }),
      );
    }
  }
  return out;
}

/** A kopiur pod the API server would admit, which only kopiur's gate stops. */
function onlyGateRefuses(r: Resolution): boolean {
  return (
    !r.serverRejection &&
    !r.denial &&
    !r.scc?.rejected &&
    (r.enforce === undefined || admits(r.enforce, r.podSecurity))
  );
}
