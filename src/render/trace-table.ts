import type { Report, Subject } from '../core/report/types.js';
import { boolCell, capsCell, groupsCell, idCell, traceValueCell } from './cells.js';
import type { Paint } from './color.js';
import { renderFindings, renderUnknowns } from './explain-table.js';
import { renderTable } from './table.js';

/** `effective-uid`: every container of the subject, layer by layer, then the effective identity. */
export function renderTrace(report: Report, o: { wide: boolean; paint: Paint }): string {
  return (
    report.subjects.map((s) => renderSubject(s, o)).join('\n') +
    renderFindings(
      report.subjects.flatMap((s) => s.findings),
      o.paint,
    ) +
    renderUnknowns(
      report.unknowns,
      report.subjects.some((s) => s.containers.some((c) => c.groupsIncomplete)),
    )
  );
}

function renderSubject(s: Subject, o: { wide: boolean; paint: Paint }): string {
  const mover = s.mover ? `, mover ${s.mover}, privileged ${boolCell(s.privileged)}` : '';
  let out = `${o.paint.bold(`${s.kind} ${s.namespace}/${s.name}`)}${mover}\n`;
  const from = s.origin;
  if (from?.via !== undefined) {
    const vars = (from.variables ?? []).map((v) => `${v.name} (${v.from})`).join(', ');
    out += `Rendered by Flux Kustomization ${from.via} from ${from.file}:${from.line}${vars ? `; variables: ${vars}` : ''}\n`;
  }
  for (const c of s.containers) {
    out += `\nContainer ${c.name} in ${c.workload}, image ${c.image || '-'}\n`;
    const headers = ['LAYER', 'FIELD', 'VALUE', 'EFFECT', ...(o.wide ? ['SOURCE'] : [])];
    out += renderTable(
      headers,
      c.trace.map((t) => [
        t.layer,
        t.field,
        traceValueCell(t.value),
        t.effect,
        ...(o.wide ? [t.source] : []),
      ]),
    );
    const id = c.identity;
    out += `EFFECTIVE: uid=${idCell(id.uid)} gid=${idCell(id.gid)} groups=${groupsCell(c)} fsGroup=${id.fsGroup ?? (id.fsGroupUnknown ? '?' : '-')} capabilities=${capsCell(c)} runsAsRoot=${boolCell(id.runsAsRoot)} (uid decided by: ${c.uidDecidedBy ?? '<unknown>'})\n`;
  }
  const ps = s.podSecurity;
  out += `POD SECURITY: baseline=${boolCell(ps.baseline)} restricted=${boolCell(ps.restricted)}\n`;
  for (const v of ps.violations) out += `  - ${v}\n`;
  return out;
}
