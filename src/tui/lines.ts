import type { Subject } from '../core/report/types.js';
import {
  boolCell,
  capsCell,
  groupsCell,
  idCell,
  subjectName,
  traceValueCell,
} from '../render/cells.js';
import { forecastVerdict } from '../render/audit-report.js';
import { bytes, count, mode, period } from '../render/units.js';
import type { SubjectAudit } from '../core/report/subject-audits.js';
import type { MigrationView } from './data.js';
import type { WhatIf } from './state.js';

/** One line of a scrolled view, with the style the TUI gives it. */
export interface Line {
  text: string;
  tone?: 'title' | 'error' | 'warning' | 'hypothetical' | 'dim' | 'cause';
}

const layers: [string, string][] = [
  ['image', 'image USER'],
  ['pod', 'pod securityContext (moverSecurityContext)'],
  ['container', 'container securityContext'],
  ['volsync', 'VolSync (the privileged-movers override)'],
  ['kopiur', 'kopiur (its layer ladder; the gate is admission)'],
  ['admission', 'admission'],
  ['runtime', 'runtime'],
  ['entrypoint', "the image's entrypoint (who writes the files)"],
  ['storage', 'storage (what each volume does to the writer)'],
];

/**
 * The mover detail as lines: the effective identity and its cause first, then the layer stack
 * from image USER to runtime (each step: what it set, and what it overrode), then the findings
 * with their fixes. What-ifs are named on top: they are not in the input.
 */
export function detailLines(
  s: Subject | undefined,
  whatIf: WhatIf,
  namespace: string,
  audits: readonly SubjectAudit[] = [],
  migration?: MigrationView,
): Line[] {
  if (!s) return [{ text: 'This object is not in the input any more.', tone: 'error' }];
  const out: Line[] = [];
  const hypotheses = [
    ...(whatIf.privileged !== undefined
      ? [`annotation ${whatIf.privileged ? 'set to "true"' : 'removed'} on Namespace ${namespace}`]
      : []),
    ...(whatIf.runAsUser !== undefined
      ? [`moverSecurityContext.runAsUser=${whatIf.runAsUser}`]
      : []),
    ...(migration ? [migratedText(migration)] : []),
  ];
  if (hypotheses.length > 0)
    out.push({
      text: `WHAT-IF, not in the input: ${hypotheses.join('; ')} (r drops it)`,
      tone: 'hypothetical',
    });
  for (const c of migration?.changes ?? [])
    out.push(
      { text: `${c.code}: ${c.message}`, tone: 'error' },
      { text: `  fix: ${c.fix}`, tone: 'dim' },
    );
  out.push({
    text: `${subjectName(s)} · ${s.mover ?? s.kind} · namespace ${s.namespace} · privileged ${boolCell(s.privileged)}`,
    tone: 'title',
  });
  for (const c of s.containers) {
    const id = c.identity;
    out.push({
      text: `UID ${idCell(id.uid)}  GID ${idCell(id.gid)}  groups ${groupsCell(c)}  capabilities ${capsCell(c)}  (container ${c.name})`,
      tone: 'title',
    });
    const decided = c.uidDecidedBy;
    const causes = c.trace.filter(
      (t) =>
        t.layer === decided &&
        (t.field === 'runAsUser' ||
          t.field === 'User' ||
          t.field.includes('annotation') ||
          t.field === 'uid'),
    );
    for (const t of causes)
      out.push({
        text: `  cause: ${t.layer}: ${t.field} ${traceValueCell(t.value)}: ${t.effect}`,
        tone: 'cause',
      });
    if (causes.length === 0)
      out.push({ text: `  UID decided by: ${decided ?? '<unknown>'}`, tone: 'cause' });
    for (const [layer, title] of layers) {
      const steps = c.trace.filter((t) => t.layer === layer);
      // the layers after the process starts speak only where they apply (an image that switches
      // identity, a volume whose storage changes the writer), and an operator only for its own pods
      if (steps.length === 0 && ['entrypoint', 'storage', 'volsync', 'kopiur'].includes(layer))
        continue;
      out.push({ text: `${layer === decided ? '▶' : ' '} ${title}`, tone: 'title' });
      if (steps.length === 0) out.push({ text: '    (sets nothing)', tone: 'dim' });
      for (const t of steps)
        out.push({ text: `    ${t.field} ${traceValueCell(t.value)}  ${t.effect}` });
    }
  }
  if (s.findings.length > 0) out.push({ text: 'FINDINGS', tone: 'title' });
  for (const f of s.findings) {
    out.push({
      text: `${f.code} ${f.severity}: ${f.message}`,
      tone: f.severity === 'error' ? 'error' : 'warning',
    });
    out.push({ text: `  fix: ${f.fix}`, tone: 'dim' });
  }
  for (const a of audits) out.push(...auditLines(a));
  return out;
}

/** What an audit found on a storage the subject mounts: its files by owner, and this subject's access. */
function auditLines({ audit, forecast }: SubjectAudit): Line[] {
  const s = audit.summary;
  const out: Line[] = [
    { text: `AUDIT of ${audit.key} (${audit.target})`, tone: 'title' },
    {
      text: `  ${count(s.totals.entries)} entries, ${bytes(s.totals.bytes)}, walked ${period(s.startedAt, s.finishedAt)} (${audit.source})`,
      tone: 'dim',
    },
  ];
  for (const c of s.classes.filter((x) => x.type === 'f' || x.type === 'd'))
    out.push({
      text: `  ${c.uid}:${c.gid} ${c.type === 'd' ? 'dir ' : 'file'} ${mode(c.perm)}  ${count(c.count)}  ${c.type === 'd' ? '' : bytes(c.bytes)}`,
    });
  if (forecast) {
    const blocked = forecast.cannotRead.count + forecast.cannotWrite.count > 0;
    out.push({
      text: `  this ${forecast.subject.role}: ${forecastVerdict(forecast)}`,
      tone: blocked ? 'error' : forecast.unknown.count > 0 ? 'warning' : 'dim',
    });
  }
  return out;
}

function migratedText(m: MigrationView): string {
  if (m.outcome === 'translated')
    return `migrated to kopiur as ${m.to ?? '?'} (kubectl kopiur migrate volsync)`;
  if (m.outcome === 'none') return 'migrated to kopiur: not a VolSync object, nothing changes';
  return `migrated to kopiur: ${m.outcome}${m.to ? `, ${m.to}'s maintenance takes over` : ''}`;
}
