import type { IdentityChange, IdentitySummary } from '../core/report/identity-diff.js';
import { capabilitiesCell, idCell, subjectName } from './cells.js';
import { renderManifestYaml } from './json.js';
import { renderTable } from './table.js';

function cell(s: IdentitySummary | undefined): string {
  if (!s) return '-';
  return s.containers
    .map(
      ({ identity: i }) => `${idCell(i.uid)}:${idCell(i.gid)} ${capabilitiesCell(i.capabilities)}`,
    )
    .join('; ');
}

/** The movers whose identity changes against a git ref: one row each, before and after. */
export function renderIdentityDiff(changes: IdentityChange[]): string {
  return renderTable(
    ['NAMESPACE', 'NAME', 'CHANGE', 'BEFORE (UID:GID CAPABILITIES)', 'AFTER'],
    changes.map((c) => [c.namespace, subjectName(c), c.change, cell(c.before), cell(c.after)]),
  );
}

/** `-o json|yaml`: kind IdentityDiff, the ref, and every change with both identities. */
export function renderIdentityDiffDocument(
  changes: IdentityChange[],
  against: string,
  format: 'json' | 'yaml',
): string {
  const doc = { apiVersion: 'volsync-perms/v1', kind: 'IdentityDiff', against, changes };
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : renderManifestYaml(doc);
}
