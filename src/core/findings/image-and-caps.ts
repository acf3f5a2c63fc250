import { at, emit, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP012: added capabilities do nothing for a non-zero UID (no ambient capabilities, k8s-identity §5.3).
 * VP013: the group of an image `USER uid:gid` is ignored (k8s-identity §1.3).
 * VP014: the fork's manual maintenance Job hard-codes runAsUser 1000 (volsync-semantics §2.8).
 */
export function findImageAndCapabilities(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const ref = subjectRef(s);
    for (const c of s.containers) {
      const r = c.resolution;
      if (r.ineffectiveCaps.length > 0)
        out.push(
          emit('VP012', [s], {
            message: `${c.report.workload} container ${c.report.name} adds ${r.ineffectiveCaps.join(', ')} but runs as UID ${r.identity.uid ?? '?'}: capabilities never become effective for a non-zero UID`,
            objects: [ref],
            fix: 'run as UID 0 with exactly these capabilities, or as the owning UID with none',
          }),
        );
      if (r.imageGroupIgnored !== undefined)
        out.push(
          emit('VP013', [s], {
            message: `${c.report.workload} container ${c.report.name}: image ${c.report.image} sets USER group ${r.imageGroupIgnored}, which Kubernetes ignores; the primary GID is ${r.identity.gid ?? 'that of /etc/passwd, else 0'}`,
            objects: [ref],
            fix: `set runAsGroup: ${r.imageGroupIgnored} in the securityContext`,
          }),
        );
    }
    // a latent trap until spec.trigger.manual is set; then the manual Job, which replaces the
    // CronJob (the real controllers delete it, test/oracle), really runs as 1000
    const manual = s.maintenance?.manualTag !== undefined;
    const wanted = manual
      ? (s.maintenance?.podSecurityContext?.runAsUser ?? 1000)
      : s.maintenance
        ? s.containers[0]?.resolution.identity.uid
        : undefined;
    if (wanted !== undefined && wanted !== null && wanted !== 1000)
      out.push(
        emit('VP014', [s], {
          severity: manual ? 'warning' : 'info',
          message: manual
            ? `KopiaMaintenance ${s.subject.name}: its manual trigger (spec.trigger.manual) replaces the CronJob by a Job whose container hard-codes runAsUser 1000 and ignores containerSecurityContext, so maintenance runs as UID 1000, not the ${wanted} of its podSecurityContext`
            : `KopiaMaintenance ${s.subject.name} runs as UID ${wanted} from its CronJob, but a manual trigger (spec.trigger.manual), once set, replaces it by a Job whose container hard-codes runAsUser 1000 and ignores containerSecurityContext`,
          objects: [ref],
          fix: 'use UID 1000 for the repository, or avoid manual maintenance triggers until the fork honours podSecurityContext there',
          ...at(s.object, 'spec', 'trigger', 'manual'),
        }),
      );
  }
  return out;
}
