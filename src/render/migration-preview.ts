import type { MigrationItem, MigrationPreview } from '../core/kopiur/migrate/migration-preview.js';
import type { IdentitySummary } from '../core/report/identity-diff.js';
import type { SubjectRef } from '../core/report/resolve-report.js';
import { capabilitiesCell, idCell, subjectName } from './cells.js';
import type { Paint } from './color.js';
import { renderFindings } from './explain-table.js';
import { renderManifestYaml } from './json.js';
import { renderTable } from './table.js';

function identityCell(s: IdentitySummary | undefined): string {
  const i = s?.containers[0]?.identity;
  if (!i) return '-';
  const fs = i.fsGroup === null ? '' : ` fsGroup=${i.fsGroup}`;
  return `${idCell(i.uid)}:${idCell(i.gid)}${fs} ${capabilitiesCell(i.capabilities)}`;
}

const kopiurCell = (i: MigrationItem) =>
  i.outcome === 'refused'
    ? '(refused)'
    : i.kopiur
      ? `${subjectName(i.kopiur)}${i.kopiur.kind === 'Repository' ? ' (maintenance)' : ''}`
      : '(deleted)';

const objectRef = (r: SubjectRef) => `${r.kind}/${r.namespace}/${r.name}`;

/** The table of `explain --what-if migrate-kopiur`: today and after per mover, then what breaks. */
export function renderMigrationPreview(
  p: MigrationPreview,
  o: { allNamespaces: boolean; paint: Paint },
): string {
  const head = `kubectl kopiur migrate volsync --resolve-secrets --include-destinations, as kopiur ${p.kopiurVersion.tag} runs it (${p.kopiurVersion.source})\n`;
  const aborts = p.aborts.length
    ? `\nmigrate stops on the first of these and writes nothing; each other row is what it writes for that object alone (--name):\n${p.aborts.map((a) => `- ${a}`).join('\n')}\n`
    : '';
  const rows = p.items.map((i) => [
    ...(o.allNamespaces ? [i.namespace] : []),
    i.volsync ? subjectName(i.volsync) : '(new)',
    identityCell(i.today),
    kopiurCell(i),
    identityCell(i.after),
    [...i.changes.map((c) => c.code), ...new Set(i.findings.map((f) => f.code))].join(',') || '-',
  ]);
  const table = renderTable(
    [
      ...(o.allNamespaces ? ['NAMESPACE'] : []),
      'VOLSYNC',
      'TODAY (UID:GID CAPABILITIES)',
      'KOPIUR',
      'AFTER',
      'CHANGE',
    ],
    rows,
  );
  const detail = p.items
    .filter((i) => i.changes.length > 0 || i.notes.length > 0 || i.reason !== undefined)
    .map((i) => {
      const title = `${i.volsync ? objectRef(i.volsync) : 'new'} -> ${i.kopiur ? objectRef(i.kopiur) : '-'}`;
      const lines = [
        ...(i.reason === undefined ? [] : [`  retired: ${i.reason}`]),
        ...i.changes.map(
          (c) => `  ${o.paint.severity('error', c.code)}: ${c.message}\n    fix: ${c.fix}`,
        ),
        ...i.notes.map(
          (n) =>
            `  ${o.paint.dim(`${n.status} ${n.field}${n.status === 'mapped' ? ' ->' : ':'} ${n.detail}`)}`,
        ),
      ];
      return `${o.paint.bold(title)}\n${lines.join('\n')}`;
    });
  const findings = renderFindings(
    p.items.flatMap((i) => i.findings),
    o.paint,
  ).replace('\nFINDINGS\n', '\nFINDINGS AFTER MIGRATION (new: not on the VolSync object today)\n');
  return `${head}${aborts}\n${table}${detail.length ? `\nWHAT CHANGES\n${detail.join('\n')}\n` : ''}${findings}`;
}

/** `-o json|yaml`: kind MigrationPreview with every item (the migrated report is explain's). */
export function renderMigrationPreviewDocument(
  p: MigrationPreview,
  format: 'json' | 'yaml',
): string {
  const doc = {
    apiVersion: p.apiVersion,
    kind: p.kind,
    kopiurVersion: p.kopiurVersion,
    aborts: p.aborts,
    items: p.items.map((i) => ({
      ...i,
      findings: i.findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        message: f.message,
        objects: f.objects,
        fix: f.fix,
      })),
    })),
  };
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : renderManifestYaml(doc);
}
