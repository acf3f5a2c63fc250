import { emit, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP016: the mover pod the cluster runs is not the pod VolSync's rules build: something after
 * VolSync changed it (a mutating webhook, an admission policy, another VolSync version). The
 * observed identity is the one that writes files (k8s-identity §2.3).
 */
export function findObservedDifferences(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) => {
    const seen = s.observed;
    // a workload's template that differs is VP025's, field by field
    if (!seen || seen.via === 'workload' || seen.differences.length === 0) return [];
    const builder = s.kopiur ? 'kopiur' : 'VolSync';
    const field = s.kopiur ? 'spec.mover' : 'moverSecurityContext';
    return [
      emit('VP016', [s], {
        message:
          seen.via === 'pod'
            ? `${s.subject.kind} ${s.subject.name}: ${seen.pod} runs with ${seen.differences.join(', ')} (predicted → observed): something changed the pod after ${builder} built it`
            : `${s.subject.kind} ${s.subject.name}: admission changes the pod ${builder} builds (server-side dry run): ${seen.differences.join(', ')} (predicted → admitted)`,
        objects: [subjectRef(s), seen.pod],
        fix:
          seen.via === 'pod'
            ? `find what mutates mover pods (kubectl get mutatingwebhookconfigurations; kubectl get pod -n ${s.subject.namespace} ${seen.pod.split('/').pop() ?? ''} -o yaml) and exempt the movers, or set the identity it forces in ${field}`
            : `find the mutating webhook or policy that changes pods in this namespace (kubectl get mutatingwebhookconfigurations) and exempt the movers, or set the identity it forces in ${field}`,
      }),
    ];
  });
}
