import {
  applySccDefaults,
  readSccRanges,
  resolveScc,
  type SccOutcome,
} from '../admission/openshift.js';
import { resolvePodSecurity, type PodSecurityVerdict } from '../admission/pod-security.js';
import { asStringMap, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import { parsePodSpec } from '../k8s/parse-pod.js';

/**
 * How admission judges a Job's pod before the Job exists, in the API server's order: on OpenShift
 * (the namespace carries the SCC ranges) SCC admission first, whose restricted-v2 defaulting Pod
 * Security then sees (k8s-identity §7); elsewhere Pod Security alone. The tool's Jobs run as the
 * namespace's `default` ServiceAccount, which restricted-v2 alone admits unless granted more.
 */
export function resolveJobAdmission(
  job: Record<string, unknown>,
  namespace: KubeObject | undefined,
): { verdict: PodSecurityVerdict; scc?: SccOutcome } {
  const pod = parsePodSpec(path(job, 'spec', 'template', 'spec'), 'Job');
  const ranges = namespace && readSccRanges(asStringMap(namespace.metadata.annotations));
  const scc = ranges && resolveScc(pod, ranges, false);
  const verdict = resolvePodSecurity(scc ? applySccDefaults(pod, scc, ranges) : pod);
  return { verdict, ...(scc && { scc }) };
}
