import {
  admits,
  enforceLabel,
  parseLevel,
  type PodSecurityLevel,
  type PodSecurityVerdict,
} from '../admission/pod-security.js';
import { isObject } from '../k8s/json.js';
import { isDnsSubdomain } from '../k8s/names.js';
import type { KubeObject } from '../k8s/object.js';

const enforceVersionLabel = 'pod-security.kubernetes.io/enforce-version';
/** Where a relaxation is recorded on the Namespace before the labels change (DESIGN.md §8). */
export const relaxAnnotation = 'volsync-perms.io/pod-security-relaxed';

/** What was relaxed, by whom, and until when the holder promises to come back and restore it. */
export interface RelaxRecord {
  /** The enforce labels before the change; null where the label was absent. */
  previous: Record<string, string | null>;
  /** The Job the relaxation is for. */
  job: string;
  holder: { host: string; pid: number };
  /** RFC 3339; the holder renews it while it waits. */
  renewTime: string;
  leaseSeconds: number;
}

/** The namespace's enforce level; an absent label is the cluster default (privileged unless configured). */
export function enforceLevel(ns: KubeObject | undefined): {
  level: PodSecurityLevel | undefined;
  label: string | undefined;
} {
  const label = ns?.metadata.labels?.[enforceLabel];
  return { level: label === undefined ? 'privileged' : parseLevel(label), label };
}

/**
 * Whether a rejection right after relaxing to baseline is the API server's admission still
 * judging at the level the namespace had: it reads Namespaces from its own watch cache, which can
 * trail the label just written (by seconds on a busy server), and names the level it judged at
 * (`violates PodSecurity "restricted:v1.31"`). A namespace at baseline already had no other level.
 */
export function judgedAtLevelBefore(
  message: string,
  before: PodSecurityLevel | undefined,
): boolean {
  return (
    before !== undefined &&
    before !== 'baseline' &&
    message.includes(`violates PodSecurity "${before}:`)
  );
}

/**
 * The merge patch that lets the Job's pods in: enforce=baseline, never privileged (the Job needs
 * nothing beyond baseline), with the record of the labels it replaces. Undefined when the current
 * level already admits the pod.
 */
export function planRelax(
  ns: KubeObject,
  verdict: PodSecurityVerdict,
  holder: Omit<RelaxRecord, 'previous'>,
  /** The Namespace's resourceVersion: the patch fails if it changed since it was read. */
  resourceVersion: string | undefined,
): { patch: Record<string, unknown>; record: RelaxRecord } | undefined {
  const { level } = enforceLevel(ns);
  if (level !== undefined && admits(level, verdict)) return undefined;
  if (!verdict.baseline) return undefined; // relaxing to baseline would not help; never to privileged
  const labels = ns.metadata.labels ?? {};
  const previous = {
    [enforceLabel]: labels[enforceLabel] ?? null,
    [enforceVersionLabel]: labels[enforceVersionLabel] ?? null,
  };
  const record: RelaxRecord = { previous, ...holder };
  return {
    record,
    patch: {
      metadata: {
        ...(resourceVersion !== undefined && { resourceVersion }),
        annotations: { [relaxAnnotation]: JSON.stringify(record) },
        // the version pin goes too: baseline at an old version could lack a check we rely on
        labels: { [enforceLabel]: 'baseline', [enforceVersionLabel]: null },
      },
    },
  };
}

/** The merge patch that puts the recorded labels back and removes the record. */
export function planRestore(record: RelaxRecord): Record<string, unknown> {
  return { metadata: { labels: record.previous, annotations: { [relaxAnnotation]: null } } };
}

/**
 * The record on a Namespace; `malformed` when the annotation is there but unreadable, or names
 * labels other than the enforce pair or a Job name the API would not accept: whoever can annotate
 * a Namespace must not steer the restore into setting other labels or deleting another path.
 */
export function readRelaxRecord(ns: KubeObject | undefined): RelaxRecord | 'malformed' | undefined {
  const raw = ns?.metadata.annotations?.[relaxAnnotation];
  if (raw === undefined) return undefined;
  let r: unknown;
  try {
    r = JSON.parse(raw);
  } catch {
    return 'malformed';
  }
  if (!isObject(r) || !isObject(r['previous']) || !isObject(r['holder'])) return 'malformed';
  const previous = Object.entries(r['previous']);
  const ok =
    previous.every(
      ([k, v]) =>
        (k === enforceLabel || k === enforceVersionLabel) && (v === null || typeof v === 'string'),
    ) &&
    typeof r['job'] === 'string' &&
    isDnsSubdomain(r['job']) &&
    typeof r['holder']['host'] === 'string' &&
    Number.isInteger(r['holder']['pid']) &&
    typeof r['renewTime'] === 'string' &&
    typeof r['leaseSeconds'] === 'number';
  return ok ? (r as unknown as RelaxRecord) : 'malformed';
}

/**
 * A relaxation nobody will restore: its holder is known dead (same host, pid gone), or its lease
 * ran out (another host, or a pid reused since).
 */
export function isAbandoned(
  r: RelaxRecord,
  now: { nowMs: number; renewedMs: number },
  holderAlive: boolean | undefined,
): boolean {
  if (holderAlive === false) return true;
  return !Number.isFinite(now.renewedMs) || now.nowMs > now.renewedMs + r.leaseSeconds * 1000;
}
