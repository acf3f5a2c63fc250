import type { Identity } from '../identity/identity.js';
import type { WritesAs } from '../identity/layers/entrypoint.js';
import type { Layer, TraceStep } from '../identity/trace.js';
import type { Unknown } from '../identity/unknown.js';
import type { Origin } from '../k8s/object.js';
import { textOrder } from '../text-order.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** Objects involved, `Kind/namespace/name`; the first is the cause. */
  objects: string[];
  fix: string;
  /** The manifest object that causes it, for SARIF; not part of the JSON contract. */
  origin?: Origin;
  /** The field of that object that causes it (its deepest existing part is pointed at). */
  field?: readonly (string | number)[];
}

export interface ContainerReport {
  name: string;
  image: string;
  /** The workload VolSync (or the user) runs this container in, `Kind/name`. */
  workload: string;
  identity: Identity;
  /** The identity its entrypoint switches to and writes files as (an inference), when it does. */
  writesAs?: WritesAs;
  trace: TraceStep[];
  uidDecidedBy: Layer | null;
  groupsIncomplete: boolean;
}

export interface PodSecurityReport {
  baseline: boolean | null;
  restricted: boolean | null;
  violations: string[];
}

export interface Subject {
  kind: string;
  namespace: string;
  name: string;
  mover: string | null;
  privileged: boolean | null;
  containers: ContainerReport[];
  podSecurity: PodSecurityReport;
  findings: Finding[];
  origin?: Origin;
  /** The kubeconfig context it was read from, when several clusters are scanned (--context x2). */
  cluster?: string;
}

export interface Report {
  apiVersion: 'volsync-perms/v1';
  kind: 'IdentityReport';
  subjects: Subject[];
  unknowns: Unknown[];
}

export const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The most severe finding of a subject (first in code order among equals). */
export function worstFinding(s: Subject): Finding | undefined {
  return worstOf(s.findings);
}

/** The most severe finding, the lowest code first among equals. */
export function worstOf(findings: readonly Finding[]): Finding | undefined {
  return [...findings].sort(
    (a, b) => severityRank[b.severity] - severityRank[a.severity] || textOrder(a.code, b.code),
  )[0];
}
