import type { Json } from '../k8s/json.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import type { PodSpec, SecurityContext } from '../k8s/types.js';
import { crc32Hex } from './hash.js';
import type { MoverShape, MoverSpec } from './mover-spec.js';
import { moverVolumes } from './mover-volumes.js';
import { moverRules } from './movers.js';
import { newestVersion } from './versions/index.js';
import type { VolsyncVersion } from './versions/types.js';
import { privilegeEnv } from './workload-projection.js';

/** A container field VolSync set on container 0 because the mover is privileged. */
export interface Override {
  field: 'runAsUser' | 'capabilities.add' | 'runAsNonRoot';
  value: number | boolean | string[];
  source: string;
}

/** A pod as VolSync (or the fork's maintenance controller) would create it, with where each part came from. */
export interface BuiltPod {
  workload: { kind: 'Job' | 'Deployment' | 'CronJob'; name: string };
  /**
   * The pod template's labels (volsync-semantics §6.1), which admission policies select on;
   * undefined where the research does not say (the fork's maintenance pods).
   */
  labels?: Record<string, string>;
  pod: PodSpec;
  /**
   * The pod template as VolSync writes it, with the labels its pods get (a Job's job-name labels
   * included); of the env only PRIVILEGED_MOVER (workload-projection.ts).
   */
  template: Json;
  /** What the pod-level securityContext is, in words: "spec.kopia.moverSecurityContext", "none", ... */
  podSecurityContextFrom: string;
  /** Container securityContext fields VolSync always sets, before any privileged override. */
  baseline: SecurityContext;
  baselineSource: string;
  overrides: Override[];
}

/**
 * The ServiceAccount, Role and RoleBinding VolSync creates for a mover: `volsync-src-NAME` or
 * `volsync-dst-NAME`, never shortened (volsync-semantics §4.1).
 */
export function volsyncServiceAccount(kind: string, name: string): string {
  return `volsync-${kind === 'ReplicationSource' ? 'src' : 'dst'}-${name}`;
}

/** Job names longer than 63 characters use crc32 of the owner name (U:ic/utils/utils.go:371-400). */
export function moverWorkloadName(m: Pick<MoverSpec, 'mover' | 'kind' | 'name'>): string {
  const rule = moverRules[m.mover];
  const prefix = m.kind === 'ReplicationSource' ? rule.prefix.source : rule.prefix.destination;
  if (rule.workload === 'Deployment') return prefix + m.name;
  const name = prefix + m.name;
  return name.length > 63 ? prefix + crc32Hex(m.name) : name;
}

/** The container securityContext every VolSync workload starts from (volsync-semantics §2.1). */
export const hardened = (): SecurityContext => ({
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
});

/**
 * Builds the pod VolSync creates for an RS/RD at `version`: container baseline, pod
 * securityContext = moverSecurityContext verbatim, its volumes then moverVolumes, then the
 * privileged override on container 0 (volsync-semantics §2.2, §8). `template` is the pod template
 * as VolSync writes it (what `render` prints and the oracle compares); `pod` is the same, typed.
 */
export function buildMoverPod(
  m: MoverShape,
  privileged: boolean,
  image: string,
  version: VolsyncVersion = newestVersion,
): BuiltPod {
  const rule = moverRules[m.mover];
  const isRsync = m.mover === 'rsync';
  const overrides: Override[] = [];
  const sc: SecurityContext = hardened();
  if (privileged || isRsync) {
    sc.capabilities = { add: [...rule.privilegedCaps], drop: ['ALL'] };
    sc.runAsUser = 0;
    const why = isRsync
      ? 'volsync-semantics §3 (legacy rsync is always root)'
      : `volsync-semantics §2.1 (${rule.cite})`;
    overrides.push({ field: 'runAsUser', value: 0, source: why });
    overrides.push({ field: 'capabilities.add', value: [...rule.privilegedCaps], source: why });
    if (m.mover === 'syncthing') {
      sc.runAsNonRoot = false;
      overrides.push({
        field: 'runAsNonRoot',
        value: false,
        source: 'volsync-semantics §2.6 (U:ic/mover/syncthing/mover.go:556)',
      });
    }
  }
  const { volumes, mounts } = moverVolumes(m, version);
  const container: Json = {
    name: rule.container,
    image,
    securityContext: sc,
    ...(!isRsync && { env: [{ name: privilegeEnv, value: privileged ? '1' : '0' }] }),
    volumeMounts: mounts,
  };
  const workload = { kind: rule.workload, name: moverWorkloadName(m) };
  const labels = { ...templateLabels(m), ...m.moverPodLabels };
  const spec: Json = {
    serviceAccountName: m.moverServiceAccount ?? volsyncServiceAccount(m.kind, m.name),
    ...(m.moverSecurityContext && { securityContext: { ...m.moverSecurityContext } }),
    containers: [container],
    volumes,
  };
  const where = `${workload.kind}/${workload.name}`;
  return {
    workload,
    labels,
    template: { metadata: { labels: withJobLabels(labels, workload) }, spec },
    pod: parsePodSpec(spec, where),
    podSecurityContextFrom: podScFrom(m),
    baseline: hardened(),
    baselineSource: `volsync-semantics §2.1 (${rule.cite})`,
    overrides,
  };
}

/** The job controller's labels on a Job's pods: the admission of the pod sees them too. */
export function withJobLabels(
  labels: Record<string, string>,
  workload: BuiltPod['workload'],
): Record<string, string> {
  if (workload.kind !== 'Job') return labels;
  return {
    ...labels,
    'batch.kubernetes.io/job-name': workload.name,
    'job-name': workload.name,
  };
}

/** The name label of a syncthing mover's pods: the owner's name, crc32-hashed past 63 characters. */
export const syncthingNameLabel = (name: string) => (name.length > 63 ? crc32Hex(name) : name);

/** VolSync's own pod template labels, before moverPodLabels (volsync-semantics §6.1). */
function templateLabels(m: MoverShape): Record<string, string> {
  const labels: Record<string, string> = { 'app.kubernetes.io/created-by': 'volsync' };
  if (m.mover === 'syncthing')
    return {
      ...labels,
      // hashed past 63 characters, as label values must be (U:ic/mover/syncthing/mover.go:314
      // GetOwnerNameLabelValue, utils.go:382-396; the same in v0.13.1 and the fork's v0.17.7)
      'app.kubernetes.io/name': syncthingNameLabel(m.name),
      'app.kubernetes.io/component': 'syncthing-mover',
      'app.kubernetes.io/part-of': 'volsync',
    };
  if (m.mover === 'rsync' || m.mover === 'rsync-tls') {
    const dir = m.kind === 'ReplicationSource' ? 'src' : 'dst';
    const name = `${dir}-${m.name}`;
    return {
      ...labels,
      // hashed like the Job name when too long (rsync/mover.go:373)
      'app.kubernetes.io/name': name.length > 63 ? `${dir}-${crc32Hex(m.name)}` : name,
      'app.kubernetes.io/component': `${m.mover}-mover`,
      'app.kubernetes.io/part-of': 'volsync',
    };
  }
  return labels;
}

function podScFrom(m: MoverShape): string {
  const key = moverRules[m.mover].specKey;
  if (!moverRules[m.mover].hasMoverSecurityContext)
    return `none: ${m.mover} has no moverSecurityContext field`;
  return m.moverSecurityContext
    ? `spec.${key}.moverSecurityContext`
    : `none: spec.${key}.moverSecurityContext is not set`;
}
