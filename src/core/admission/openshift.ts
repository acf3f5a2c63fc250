import type { Container, PodSpec } from '../k8s/types.js';

export interface SccRanges {
  uidMin: number;
  uidMax: number;
  /** First GID of openshift.io/sa.scc.supplemental-groups, else of the uid-range (k8s-identity §7). */
  fsGroup: number;
}

export interface SccOutcome {
  scc: string | null;
  runAsUser?: number;
  fsGroup?: number;
  runAsNonRoot?: boolean;
  rejected?: string;
  note: string;
}

/** `start/size` or `start-end` (OpenShift uid.ParseBlock). */
function parseBlock(s: string): [number, number] | undefined {
  const m = /^(\d+)([/-])(\d+)$/.exec(s.trim().split(',')[0] ?? '');
  if (!m) return undefined;
  const start = Number(m[1]);
  const n = Number(m[3]);
  return m[2] === '/' ? [start, start + n - 1] : [start, n];
}

/** The Namespace annotations OpenShift assigns UIDs and groups from. */
export const sccUidRangeKey = 'openshift.io/sa.scc.uid-range';
export const sccGroupsKey = 'openshift.io/sa.scc.supplemental-groups';

/** Reads the namespace's SCC preallocation annotations; undefined when the namespace has none (not OpenShift). */
export function readSccRanges(annotations: Record<string, string>): SccRanges | undefined {
  const uid = annotations[sccUidRangeKey];
  if (uid === undefined) return undefined;
  const range = parseBlock(uid);
  if (!range) return undefined;
  const groups = parseBlock(annotations[sccGroupsKey] ?? '') ?? range;
  return { uidMin: range[0], uidMax: range[1], fsGroup: groups[0] };
}

const src =
  'k8s-identity §7 (OSL:pkg/securitycontextconstraints/sccmatching/provider.go) [inference]';

/**
 * Predicts OpenShift SCC admission for a mover pod: restricted-v2 is tried first and assigns a UID
 * and fsGroup when unset; a privileged VolSync mover is admitted by volsync-privileged-mover
 * (RunAsAny), which assigns nothing (k8s-identity §7).
 */
export function resolveScc(
  pod: PodSpec,
  ranges: SccRanges,
  volsyncPrivileged: boolean,
): SccOutcome {
  const c = pod.containers[0];
  const runAsUser = c?.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  const caps = pod.containers.flatMap((x) => x.securityContext?.capabilities?.add ?? []);
  const needsMore =
    runAsUser === 0 ||
    caps.some((a) => a !== 'NET_BIND_SERVICE') ||
    pod.containers.some((x) => x.securityContext?.privileged === true);
  const inlineNfs = (pod.volumes ?? []).some((v) => v.type === 'nfs' || v.type === 'hostPath');
  if (needsMore) {
    if (volsyncPrivileged)
      return inlineNfs
        ? {
            scc: null,
            rejected: 'SCC volsync-privileged-mover does not allow nfs volumes',
            note: `restricted-v2 refuses UID 0 and added capabilities; volsync-privileged-mover would admit it but allows no inline nfs volume (${src})`,
          }
        : {
            scc: 'volsync-privileged-mover',
            note: `restricted-v2 refuses UID 0 and added capabilities; SCC volsync-privileged-mover (RunAsAny) admits the pod and assigns no UID or fsGroup (${src})`,
          };
    return {
      scc: null,
      note: `the pod needs an SCC beyond restricted-v2 (UID 0 or added capabilities); which one depends on the SCCs its ServiceAccount may use (${src})`,
    };
  }
  if (inlineNfs)
    return {
      scc: null,
      rejected: 'restricted-v2 does not allow nfs or hostPath volumes',
      note: `restricted-v2 allows no inline nfs/hostPath volume; admission depends on other SCCs granted to the ServiceAccount (${src})`,
    };
  if (runAsUser !== undefined && (runAsUser < ranges.uidMin || runAsUser > ranges.uidMax))
    return {
      scc: null,
      rejected: `runAsUser ${runAsUser} must be in the ranges: [${ranges.uidMin}, ${ranges.uidMax}]`,
      note: `restricted-v2 rejects runAsUser ${runAsUser} outside the namespace range ${ranges.uidMin}-${ranges.uidMax} (${src})`,
    };
  const out: SccOutcome = { scc: 'restricted-v2', note: `SCC restricted-v2 (${src})` };
  if (runAsUser === undefined) out.runAsUser = ranges.uidMin;
  if (pod.securityContext?.fsGroup === undefined) out.fsGroup = ranges.fsGroup;
  if ((runAsUser ?? ranges.uidMin) > 0) out.runAsNonRoot = true;
  return out;
}

/**
 * The pod as restricted-v2 leaves it after its defaulting, which runs before Pod Security judges
 * the pod (k8s-identity §7, OSL:…/sccmatching/provider.go): the pod fsGroup and seccomp profile
 * when unset; on each container whose effective runAsUser is unset the first UID of the range;
 * runAsNonRoot when that UID is not 0; ALL in drop (requiredDropCapabilities); no privilege
 * escalation. Other SCCs (volsync-privileged-mover: RunAsAny) default nothing Pod Security reads.
 */
export function applySccDefaults(pod: PodSpec, scc: SccOutcome, ranges: SccRanges): PodSpec {
  if (scc.scc !== 'restricted-v2') return pod;
  const psc = pod.securityContext ?? {};
  const container = (c: Container): Container => {
    const sc = c.securityContext ?? {};
    const uid = sc.runAsUser ?? psc.runAsUser ?? ranges.uidMin;
    const drop = sc.capabilities?.drop ?? [];
    return {
      ...c,
      securityContext: {
        ...sc,
        ...(sc.runAsUser === undefined &&
          psc.runAsUser === undefined && { runAsUser: ranges.uidMin }),
        ...(sc.runAsNonRoot === undefined &&
          psc.runAsNonRoot === undefined &&
          uid > 0 && { runAsNonRoot: true }),
        capabilities: { ...sc.capabilities, drop: drop.includes('ALL') ? drop : [...drop, 'ALL'] },
        allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? false,
      },
    };
  };
  return {
    ...pod,
    securityContext: {
      ...psc,
      ...(psc.fsGroup === undefined && { fsGroup: ranges.fsGroup }),
      ...(psc.seccompProfile?.type === undefined && { seccompProfile: { type: 'RuntimeDefault' } }),
    },
    containers: pod.containers.map(container),
    ...(pod.initContainers && { initContainers: pod.initContainers.map(container) }),
  };
}
