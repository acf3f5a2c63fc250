import { resolvePodSecurity, type PodSecurityVerdict } from '../admission/pod-security.js';
import { path } from '../k8s/json.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import { crc32Hex } from '../volsync/hash.js';
import auditWalkScript from '../storage/audit-walk.pl';
import fixOwnershipScript from './fix-ownership.sh';
import type { FixStrategy } from './fix-strategy.js';
import type { FixTarget, FixVolume, Placement } from './fix-target.js';
import { jobMountPath, planHardenedJob } from './hardened-job.js';

/**
 * The capabilities of the repair: CHOWN to give files away, DAC_OVERRIDE to walk directories the
 * process does not own, FOWNER to put back the setuid/setgid bits chown clears. All three are in
 * the Pod Security baseline allowance; DAC_READ_SEARCH, which hand-written migration Jobs add, is
 * not, and DAC_OVERRIDE already covers it (k8s-identity §5.4, §6).
 */
export const fixCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] as const;

export const fieldManager = 'kubectl-volsync-perms';
export const managedBy = { 'app.kubernetes.io/managed-by': fieldManager };
const appLabel = { 'app.kubernetes.io/name': 'volsync-perms-fix' };

export interface FixJobOptions {
  /** `count` changes nothing: FIX_MODE=count, the volume mounted read-only, DAC_OVERRIDE only. */
  mode?: 'apply' | 'count';
  image: string;
  /** Only files owned by this UID change (--only-uid). */
  onlyUid?: number;
  deadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  placement: Placement;
  /** How the repair works on its storage; default chown every file as UID 0. */
  strategy?: FixStrategy;
}

/** A name per volume and owner: the same request names the same Job, so a rerun finds it. */
export function fixJobName(
  t: FixTarget,
  onlyUid: number | undefined,
  mode: 'apply' | 'count' = 'apply',
  strategy?: FixStrategy,
): string {
  const v = t.volume;
  const base = v.type === 'nfs' ? 'nfs' : v.claimName;
  // the default repair keeps the name it always had, so a rerun of an older version finds its Job
  const how =
    strategy && (strategy.kind === 'chmod' || strategy.owners.length > 0) ? [strategy] : [];
  const hash = crc32Hex(
    JSON.stringify([volumeKey(v), t.owner.uid, t.owner.gid, onlyUid ?? null, ...how]),
  ).slice(0, 6);
  const prefix = mode === 'count' ? 'volsync-perms-count-' : 'volsync-perms-fix-';
  return `${prefix}${base.slice(0, 63 - prefix.length - 7).replace(/[.-]+$/, '')}-${hash}`;
}

const volumeKey = (v: FixVolume) =>
  v.type === 'nfs' ? `nfs:${v.server}:${v.path}` : `pvc:${v.claimName}`;

/**
 * The repair Job: UID 0 with only {@link fixCapabilities}, no privilege escalation, a read-only
 * root filesystem, RuntimeDefault seccomp, no ServiceAccount token, one attempt within a deadline.
 * The script receives every value through env vars (fix-ownership.sh), never as shell text.
 */
export function planFixJob(t: FixTarget, o: FixJobOptions): Record<string, unknown> {
  const count = o.mode === 'count';
  const st: FixStrategy = o.strategy ?? { kind: 'chown', owners: [], verify: false, note: '' };
  const chmod = st.kind === 'chmod' ? st : undefined;
  const owners = st.owners.map((x) => `${x.uid}:${x.gid}`).join(' ');
  const env = [
    { name: 'FIX_ROOT', value: jobMountPath },
    ...(count ? [{ name: 'FIX_MODE', value: 'count' }] : []),
    ...(chmod
      ? [
          { name: 'FIX_OP', value: 'chmod' },
          { name: 'CHMOD_MODE', value: chmod.mode },
        ]
      : [{ name: 'TARGET_UID', value: String(t.owner.uid) }]),
    { name: 'TARGET_GID', value: String(t.owner.gid) },
    ...(o.onlyUid !== undefined ? [{ name: 'ONLY_UID', value: String(o.onlyUid) }] : []),
    ...(owners !== '' ? [{ name: 'ONLY_OWNERS', value: owners }] : []),
    ...(st.kind === 'chown' && st.verify && !count ? [{ name: 'VERIFY', value: '1' }] : []),
  ];
  const caps = chmod ? [] : count ? ['DAC_OVERRIDE'] : [...fixCapabilities];
  return planHardenedJob({
    name: fixJobName(t, o.onlyUid, o.mode, o.strategy),
    namespace: t.namespace,
    labels: { ...appLabel, ...managedBy },
    purpose: chmod
      ? `${count ? 'count the files of UID ' : `chmod ${chmod.mode} and chgrp ${t.owner.gid} the files of UID `}${chmod.runAs} on ${t.purpose}`
      : `${count ? 'count the files that would get' : 'set'} the owner ${t.owner.uid}:${t.owner.gid} on ${t.purpose}`,
    deadlineSeconds: o.deadlineSeconds,
    ttlSecondsAfterFinished: o.ttlSecondsAfterFinished,
    placement: o.placement,
    container: {
      name: 'fix-ownership',
      image: o.image,
      // a chown repair tallies with the audit's walk (its $1) before chown -R runs per owner class
      command: [
        '/bin/bash',
        '-c',
        fixOwnershipScript,
        'fix-ownership',
        ...(chmod ? [] : [auditWalkScript]),
      ],
      env,
      // as the files' owner where root is squashed, else UID 0; the primary group is the target
      // GID: chmod keeps setgid without FSETID, and an owner may chgrp its files to it
      runAsUser: chmod ? chmod.runAs : 0,
      runAsGroup: t.owner.gid,
      capabilities: caps,
      memoryLimit: '512Mi',
    },
    volume: t.volume,
    readOnly: count ? 'mount' : 'no',
  });
}

/** The Pod the job controller will create from the Job: Pod Security judges Pods only (§6). */
export function fixJobPod(job: Record<string, unknown>): Record<string, unknown> {
  const meta = job['metadata'] as { name: string; namespace: string };
  const template = (job['spec'] as { template: { metadata: object; spec: object } }).template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, generateName: `${meta.name}-`, namespace: meta.namespace },
    spec: template.spec,
  };
}

/** The Pod Security verdict on the Job's pod, from the same model explain uses. */
export function resolveFixPodSecurity(job: Record<string, unknown>): PodSecurityVerdict {
  return resolvePodSecurity(parsePodSpec(path(job, 'spec', 'template', 'spec'), 'fix Job'));
}
