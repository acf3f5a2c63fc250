import type { Container, PodSpec } from '../k8s/types.js';

/** The Namespace label whose level the API server enforces. */
export const enforceLabel = 'pod-security.kubernetes.io/enforce';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurityVerdict {
  baseline: boolean;
  restricted: boolean;
  /** `<check> (<level>): <detail>`, baseline checks first. */
  violations: string[];
}

/** Capabilities baseline allows in capabilities.add, compared as exact strings (k8s-identity §6). */
const baselineCaps = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const restrictedVolumes = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const okSeccomp = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';

const q = (names: string[]) => names.map((n) => JSON.stringify(n)).join(', ');
const where = (cs: Container[]) =>
  `container${cs.length > 1 ? 's' : ''} ${q(cs.map((c) => c.name))}`;

/**
 * Evaluates the Pod Security Standards on a pod spec, as pod-security-admission does at `latest`
 * (k8s-identity §6). It sees only the spec, never the image.
 */
export function resolvePodSecurity(pod: PodSpec): PodSecurityVerdict {
  const all: Container[] = pod.initContainers
    ? [...pod.initContainers, ...pod.containers]
    : pod.containers;
  const base: string[] = [];
  const restr: string[] = [];

  const priv = all.filter((c) => c.securityContext?.privileged === true);
  if (priv.length)
    base.push(`privileged (baseline): ${where(priv)} must not set securityContext.privileged=true`);
  const badCaps = all.flatMap((c) =>
    (c.securityContext?.capabilities?.add ?? [])
      .filter((a) => !baselineCaps.has(a))
      .map((a) => `${c.name}:${a}`),
  );
  if (badCaps.length)
    base.push(
      `capabilities (baseline): non-default capabilities ${badCaps.join(', ')} are not allowed`,
    );
  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => pod[k] === true);
  if (hostNs.length)
    base.push(`hostNamespaces (baseline): ${hostNs.join(', ')}=true is not allowed`);
  const hostPath = (pod.volumes ?? []).filter((v) => v.type === 'hostPath');
  if (hostPath.length)
    base.push(`hostPathVolumes (baseline): ${q(hostPath.map((v) => v.name))} use hostPath`);
  const ports = all.filter((c) => (c.hostPorts ?? []).length > 0);
  if (ports.length) base.push(`hostPorts (baseline): ${where(ports)} use hostPort`);
  const unconfined =
    pod.securityContext?.seccompProfile?.type === 'Unconfined' ||
    all.some((c) => c.securityContext?.seccompProfile?.type === 'Unconfined');
  if (unconfined)
    base.push('seccompProfile (baseline): seccompProfile.type=Unconfined is not allowed');

  const podNonRoot = pod.securityContext?.runAsNonRoot;
  const nonRootOk =
    all.every((c) => {
      const v = c.securityContext?.runAsNonRoot;
      return v === true || (v === undefined && podNonRoot === true);
    }) && podNonRoot !== false;
  if (!nonRootOk)
    restr.push(
      'runAsNonRoot (restricted): pod or containers must set securityContext.runAsNonRoot=true',
    );
  const rootPod = pod.securityContext?.runAsUser === 0;
  const rootCs = all.filter((c) => c.securityContext?.runAsUser === 0);
  if (rootPod || rootCs.length)
    restr.push(
      `runAsUser (restricted): ${[rootPod ? 'pod' : '', rootCs.length ? where(rootCs) : ''].filter(Boolean).join(' and ')} must not set runAsUser=0`,
    );
  const ape = all.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (ape.length)
    restr.push(
      `allowPrivilegeEscalation (restricted): ${where(ape)} must set securityContext.allowPrivilegeEscalation=false`,
    );
  const noDrop = all.filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'));
  const extraAdd = all.filter((c) =>
    (c.securityContext?.capabilities?.add ?? []).some((a) => a !== 'NET_BIND_SERVICE'),
  );
  if (noDrop.length || extraAdd.length) {
    const parts = [];
    if (noDrop.length)
      parts.push(`${where(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (extraAdd.length)
      parts.push(`${where(extraAdd)} must not add capabilities beyond "NET_BIND_SERVICE"`);
    restr.push(`capabilities (restricted): ${parts.join('; ')}`);
  }
  const podSeccomp = pod.securityContext?.seccompProfile?.type;
  const seccompOk = all.every((c) => {
    const t = c.securityContext?.seccompProfile?.type;
    return t === undefined ? okSeccomp(podSeccomp) : okSeccomp(t);
  });
  if (!seccompOk)
    restr.push(
      'seccompProfile (restricted): pod or containers must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    );
  const vols = (pod.volumes ?? []).filter((v) => !restrictedVolumes.has(v.type));
  if (vols.length)
    restr.push(
      `restrictedVolumes (restricted): volumes ${vols.map((v) => `${JSON.stringify(v.name)} (${v.type})`).join(', ')} are not allowed`,
    );

  return {
    baseline: base.length === 0,
    restricted: base.length === 0 && restr.length === 0,
    violations: [...base, ...restr],
  };
}

/** Whether a namespace enforce level admits a pod with this verdict. */
export function admits(level: PodSecurityLevel, v: PodSecurityVerdict): boolean {
  return level === 'privileged' || (level === 'baseline' ? v.baseline : v.restricted);
}

export function parseLevel(v: string | undefined): PodSecurityLevel | undefined {
  return v === 'privileged' || v === 'baseline' || v === 'restricted' ? v : undefined;
}
