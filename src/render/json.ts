import { stringify } from 'yaml';
import type { Report } from '../core/report/types.js';

/** The machine-readable contract of DESIGN.md §5: only its fields, in its order. */
export function toContract(report: Report): object {
  return {
    apiVersion: report.apiVersion,
    kind: report.kind,
    subjects: report.subjects.map((s) => ({
      kind: s.kind,
      namespace: s.namespace,
      name: s.name,
      mover: s.mover,
      privileged: s.privileged,
      containers: s.containers.map((c) => ({
        name: c.name,
        image: c.image,
        workload: c.workload,
        identity: c.identity,
        trace: c.trace.map((t) => ({
          layer: t.layer,
          field: t.field,
          value: t.value,
          effect: t.effect,
          source: t.source,
        })),
      })),
      podSecurity: s.podSecurity,
      findings: s.findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        message: f.message,
        objects: f.objects,
        fix: f.fix,
      })),
    })),
    unknowns: report.unknowns,
  };
}

export const renderJson = (r: Report) => JSON.stringify(toContract(r), null, 2) + '\n';
export const renderYaml = (r: Report) =>
  stringify(toContract(r), { lineWidth: 0, aliasDuplicateObjects: false });
