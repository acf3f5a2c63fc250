import auditWalkScript from '../storage/audit-walk.pl';
import { crc32Hex } from '../volsync/hash.js';
import { managedBy } from './fix-job.js';
import { jobMountPath, planHardenedJob } from './hardened-job.js';
import type { Placement } from './fix-target.js';
import type { FixVolume, VolumeTarget } from './volume-target.js';

/** How the audit Job may read the volume: each choice and its price (k8s-identity §5.4, §6). */
export type AuditAccess =
  /** UID 0 with DAC_OVERRIDE only: reads every file on local storage; Pod Security baseline. */
  | { kind: 'root' }
  /** As UID:GID without capabilities: reads what that identity can; Pod Security restricted. */
  | { kind: 'as'; uid: number; gid: number };

export interface AuditJobOptions {
  image: string;
  access: AuditAccess;
  /** --probe: the volume mounted read-write, one temporary file created and removed in its root. */
  probe: boolean;
  deadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  placement: Placement;
}

const labels = { 'app.kubernetes.io/name': 'volsync-perms-audit', ...managedBy };

/** The capabilities each choice holds: DAC_OVERRIDE to read and enter what UID 0 does not own; the probe adds SETUID and SETGID to create its second file as the root's owner. */
export function auditCapabilities(o: Pick<AuditJobOptions, 'access' | 'probe'>): string[] {
  if (o.access.kind === 'as') return [];
  return o.probe ? ['DAC_OVERRIDE', 'SETGID', 'SETUID'] : ['DAC_OVERRIDE'];
}

/** A name per volume and access: the same request names the same Job, so a rerun finds it. */
export function auditJobName(v: FixVolume, o: Pick<AuditJobOptions, 'access' | 'probe'>): string {
  const base = v.type === 'nfs' ? 'nfs' : v.claimName;
  const key = v.type === 'nfs' ? `nfs:${v.server}:${v.path}` : `pvc:${v.claimName}`;
  const hash = crc32Hex(JSON.stringify([key, o.access, o.probe])).slice(0, 6);
  const prefix = 'volsync-perms-audit-';
  return `${prefix}${base.slice(0, 63 - prefix.length - 7).replace(/[.-]+$/, '')}-${hash}`;
}

/**
 * The audit Job: it walks the volume once (audit-walk.pl, in the VolSync mover image, which has
 * perl but no find) and prints a bounded summary through its log. The volume is mounted
 * read-only unless --probe; no privilege escalation, a read-only root filesystem, RuntimeDefault
 * seccomp, no ServiceAccount token, one attempt within a deadline.
 */
export function planAuditJob(t: VolumeTarget, o: AuditJobOptions): Record<string, unknown> {
  const id = o.access.kind === 'as' ? o.access : { uid: 0, gid: 0 };
  return planHardenedJob({
    name: auditJobName(t.volume, o),
    namespace: t.namespace,
    labels,
    purpose: `audit the ${t.purpose}${o.probe ? ' (with the squash probe)' : ', read-only'}`,
    deadlineSeconds: o.deadlineSeconds,
    ttlSecondsAfterFinished: o.ttlSecondsAfterFinished,
    placement: o.placement,
    container: {
      name: 'audit',
      image: o.image,
      command: ['/usr/bin/perl', '-e', auditWalkScript, 'audit-walk'],
      env: [
        { name: 'AUDIT_ROOT', value: jobMountPath },
        ...(o.probe ? [{ name: 'AUDIT_PROBE', value: '1' }] : []),
      ],
      runAsUser: id.uid,
      runAsGroup: id.gid,
      capabilities: auditCapabilities(o),
      memoryLimit: '1Gi',
    },
    volume: t.volume,
    readOnly: o.probe ? 'no' : 'mount-and-source',
  });
}
