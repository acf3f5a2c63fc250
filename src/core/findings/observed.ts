import { emit, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP016: the mover pod the cluster runs is not the pod VolSync's rules build: something after
 * VolSync changed it (a mutating webhook, an admission policy, another VolSync version). The
 * observed identity is the one that writes files (k8s-identity §2.3).
 */
export function findObservedDifferences(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) => {
    const seen = s.observed;
    if (!seen || seen.differences.length === 0) return [];
    return [
      emit('VP016', [s], {
        message: `${s.subject.kind} ${s.subject.name}: ${seen.pod} runs with ${seen.differences.join(', ')} (predicted → observed): something changed the pod after VolSync built it`,
        objects: [subjectRef(s), seen.pod],
        fix: `find what mutates mover pods (kubectl get mutatingwebhookconfigurations; kubectl get pod -n ${s.subject.namespace} ${seen.pod.split('/').pop() ?? ''} -o yaml) and exempt the movers, or set the identity it forces in moverSecurityContext`,
      }),
    ];
  });
}
