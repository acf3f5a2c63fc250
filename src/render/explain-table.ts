import type { Unknown } from '../core/identity/unknown.js';
import { worstFinding, type Finding, type Report } from '../core/report/types.js';
import { boolCell, capsCell, groupsCell, subjectName, uidGidCell, unknownCell } from './cells.js';
import type { Paint } from './color.js';
import { renderTable } from './table.js';
import { textOrder } from '../core/text-order.js';

export interface TableOptions {
  wide: boolean;
  allNamespaces: boolean;
  paint: Paint;
  /** A CLUSTER column first: subjects of several clusters (fleet scans). */
  clusters?: boolean;
}

/** The `explain` table: one row per mover, then each finding once, then what is unknown. */
export function renderExplainTable(report: Report, o: TableOptions): string {
  if (report.subjects.length === 0) return '';
  const headers = [
    ...(o.clusters ? ['CLUSTER'] : []),
    ...(o.allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'MOVER',
    'PRIVILEGED',
    'UID:GID',
    'GROUPS',
    'CAPABILITIES',
    'FINDING',
    ...(o.wide ? ['IMAGE', 'DECIDED-BY'] : []),
  ];
  const rows = report.subjects.map((s) => {
    const c = s.containers[0];
    const worst = worstFinding(s);
    const more = s.findings.length > 1 ? ` (+${s.findings.length - 1})` : '';
    return [
      ...(o.clusters ? [s.cluster ?? '-'] : []),
      ...(o.allNamespaces ? [s.namespace] : []),
      subjectName(s),
      s.mover ?? '-',
      boolCell(s.privileged),
      uidGidCell(c),
      groupsCell(c),
      capsCell(c),
      worst ? `${worst.code} ${worst.severity}${more}` : '-',
      ...(o.wide ? [c?.image ?? '-', c?.uidDecidedBy ?? unknownCell] : []),
    ];
  });
  const findCol = headers.indexOf('FINDING');
  let out = renderTable(headers, rows, (i, cell) => {
    if (i !== findCol || cell === '-') return cell;
    const sev = cell.includes('error') ? 'error' : cell.includes('warning') ? 'warning' : 'info';
    return o.paint.severity(sev, cell);
  });
  out += renderFindings(
    report.subjects.flatMap((s) => s.findings),
    o.paint,
  );
  out += renderUnknowns(
    report.unknowns,
    report.subjects.some((s) => s.containers.some((c) => c.groupsIncomplete)),
  );
  return out;
}

/**
 * Each distinct finding once, most severe first; findings of the same code and fix on several
 * subjects are printed once with the other subjects named.
 */
export function renderFindings(all: Finding[], paint: Paint): string {
  const rank = { error: 0, warning: 1, info: 2 };
  const groups = new Map<string, Finding[]>();
  for (const f of all) {
    const k = `${f.code}\u0000${f.fix}`;
    const g = groups.get(k) ?? [];
    if (!g.some((x) => x.message === f.message)) g.push(f);
    groups.set(k, g);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      rank[(a[0] as Finding).severity] - rank[(b[0] as Finding).severity] ||
      textOrder((a[0] as Finding).code, (b[0] as Finding).code),
  );
  if (sorted.length === 0) return '';
  const lines = sorted.map((g) => {
    const [f, ...rest] = g as [Finding, ...Finding[]];
    const also = rest.length ? `\n  also: ${rest.map((r) => r.objects[0] ?? '?').join(', ')}` : '';
    return `${paint.severity(f.severity, `${f.code} ${f.severity}`)}: ${f.message}${also}\n  fix: ${f.fix}`;
  });
  return `\nFINDINGS\n${lines.join('\n')}\n`;
}

export function renderUnknowns(unknowns: Unknown[], groupsIncomplete: boolean): string {
  const notes = unknowns.map((u) => `- ${u.what}: ${u.reason}; depends on ${u.dependsOn}`);
  if (groupsIncomplete)
    notes.push('- +? in GROUPS: the process may hold more groups from the image /etc/group');
  return notes.length
    ? `\nUNKNOWN: what could not be known (${unknownCell} or ? above), and what would tell it\n${notes.join('\n')}\n`
    : '';
}
