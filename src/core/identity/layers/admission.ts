import {
  admits,
  enforceLabel,
  parseLevel,
  resolvePodSecurity,
  type PodSecurityVerdict,
} from '../../admission/pod-security.js';
import { applySccDefaults, readSccRanges, resolveScc } from '../../admission/openshift.js';
import { gateSource } from '../../kopiur/gate.js';
import type { TraceStep } from '../trace.js';
import { rules, step, type LayerResult, type ResolveState } from './state.js';

/**
 * The admission layer, in the API server's order: a mutating policy first (the pod it returns is
 * what SCC, Pod Security and the runtime see), then OpenShift SCC (whose defaulting Pod Security
 * sees), Pod Security, and a validating policy's rejection.
 */
export function resolveAdmissionLayer(
  s: ResolveState,
): LayerResult<ResolveState> & { podSecurity: PodSecurityVerdict } {
  const { input } = s;
  const steps: TraceStep[] = [];
  let { pod, container, overridden } = s;
  const mutation = input.admission?.mutation;
  if (mutation) {
    steps.push(step('admission', 'pod', mutation.by, mutation.changes.join('; '), mutation.source));
    pod = mutation.pod;
    container = pod.containers.find((x) => x.name === container.name) ?? container;
    overridden = new Set();
  }
  const facts = input.namespaceFacts;
  const ranges = facts ? readSccRanges(facts.annotations) : undefined;
  const scc = ranges ? resolveScc(pod, ranges, input.volsync?.decision.value === true) : undefined;
  if (scc) {
    steps.push(
      step(
        'admission',
        'SCC',
        scc.scc,
        scc.rejected ? `rejected: ${scc.rejected}` : scc.note,
        'k8s-identity §7',
      ),
    );
    if (scc.runAsUser !== undefined)
      steps.push(
        step(
          'admission',
          'runAsUser',
          scc.runAsUser,
          `restricted-v2 assigns container runAsUser ${scc.runAsUser} (first UID of openshift.io/sa.scc.uid-range)`,
          'k8s-identity §7 [inference]',
        ),
      );
    if (scc.fsGroup !== undefined)
      steps.push(
        step(
          'admission',
          'fsGroup',
          scc.fsGroup,
          `restricted-v2 assigns pod fsGroup ${scc.fsGroup}`,
          'k8s-identity §7 [inference]',
        ),
      );
    if (scc.runAsNonRoot !== undefined)
      steps.push(
        step(
          'admission',
          'runAsNonRoot',
          true,
          'restricted-v2 sets runAsNonRoot=true for a UID > 0',
          'k8s-identity §7 [inference]',
        ),
      );
  }
  // Pod Security judges the pod after SCC admission has defaulted it, as the API server runs them
  const podSecurity = resolvePodSecurity(scc && ranges ? applySccDefaults(pod, scc, ranges) : pod);
  const enforce = parseLevel(facts?.labels[enforceLabel]);
  const label = enforceLabel;
  let admitted: boolean | null = null;
  if (facts === undefined)
    steps.push(
      step(
        'admission',
        label,
        null,
        `unknown: Namespace ${input.namespace} is not in the input`,
        rules.psa,
      ),
    );
  else if (enforce === undefined)
    steps.push(
      step(
        'admission',
        label,
        null,
        `not set on Namespace ${input.namespace}: the cluster default level applies (privileged unless configured)`,
        rules.psa,
      ),
    );
  else {
    admitted = admits(enforce, podSecurity);
    const why = admitted
      ? 'admits the pod'
      : `rejects the pod: ${podSecurity.violations.join('; ')}`;
    steps.push(step('admission', label, enforce, `Pod Security ${enforce} ${why}`, rules.psa));
  }
  if (scc?.rejected) admitted = false;
  const denial = input.admission?.denial;
  if (denial) {
    admitted = false;
    steps.push(
      step('admission', 'pod', denial.by, `rejects the pod: ${denial.message}`, denial.source),
    );
  }
  const gate = input.kopiur?.gate;
  if (gate) {
    steps.push(step('admission', 'MoverPermitted', gate.permitted, gate.effect, gateSource));
    if (gate.permitted === false) admitted = false;
    else if (gate.permitted === null && admitted === true) admitted = null;
  }
  return {
    pod,
    container,
    overridden,
    podSecurity,
    admitted,
    ...(scc && { scc }),
    ...(enforce !== undefined && { enforce }),
    ...(denial && { denial: { by: denial.by, message: denial.message } }),
    steps,
  };
}
