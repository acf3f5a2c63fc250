import { summary, type IdentitySummary } from '../../report/identity-diff.js';
import { resolveReport, type Scope, type SubjectRef } from '../../report/resolve-report.js';
import type { Finding, Report, Subject } from '../../report/types.js';
import type { Snapshot } from '../../snapshot.js';
import { assumedKopiurVersion } from '../resolve-kopiur-version.js';
import { migrateSnapshot, type Migration } from './migrate-snapshot.js';
import { migrationChanges, type MigrationChange } from './migration-changes.js';
import type { MigrationNote } from './migration-note.js';
import { textOrder } from '../../text-order.js';

/** One VolSync object beside the kopiur object migrate makes of it. */
export interface MigrationItem {
  namespace: string;
  /** The VolSync object; absent for a Repository migrate adds. */
  volsync?: SubjectRef;
  outcome: Migration['outcome'] | 'added';
  kopiur?: SubjectRef;
  today?: IdentitySummary;
  after?: IdentitySummary;
  /** Why it is refused or retired. */
  reason?: string;
  notes: MigrationNote[];
  changes: MigrationChange[];
  /** The migrated subject's findings whose code today's VolSync object does not have (its gate,
   * writers of one repository disagreeing, fsGroup on a restore target). */
  findings: Finding[];
}

export interface MigrationPreview {
  apiVersion: 'volsync-perms/v1';
  kind: 'MigrationPreview';
  /** Which kopiur builds the migrated movers, and how that is known. */
  kopiurVersion: { tag: string; source: string };
  /** The objects migrate refuses: one stops the whole run (K43:mod.rs:476-479, 605-610). */
  aborts: string[];
  items: MigrationItem[];
  /** The migrated snapshot's report: what explain prints once the migration is applied. */
  after: Report;
}

const find = (r: Report, ref: SubjectRef | undefined): Subject | undefined =>
  ref &&
  r.subjects.find(
    (s) => s.kind === ref.kind && s.namespace === ref.namespace && s.name === ref.name,
  );

/**
 * `explain --what-if migrate-kopiur`: each VolSync mover of the scope today and as the kopiur
 * object `kubectl kopiur migrate volsync` makes of it, both resolved by the same engine from the
 * same sources, with what the difference breaks.
 */
export function previewMigration(snapshot: Snapshot, scope: Scope): MigrationPreview {
  const today = resolveReport(snapshot, scope);
  const migrated = migrateSnapshot(snapshot, scope);
  const after = resolveReport(migrated.snapshot, scope);
  const items: MigrationItem[] = migrated.migrations.map((m) => {
    const t = find(today, m.from);
    const a = find(after, m.to);
    return {
      namespace: m.from.namespace,
      volsync: m.from,
      outcome: m.outcome,
      ...(m.to && { kopiur: m.to }),
      ...(t && { today: summary(t) }),
      ...(a && { after: summary(a) }),
      ...(m.outcome === 'retired' && m.reason !== undefined && { reason: m.reason }),
      notes: m.notes,
      changes: migrationChanges(m, t, a),
      findings:
        m.outcome === 'translated' && a
          ? a.findings.filter((f) => !t?.findings.some((x) => x.code === f.code))
          : [],
    };
  });
  // each added Repository brings kopiur's own Jobs: its managed maintenance and its bootstrap
  const added = migrated.repositories.flatMap((ref) => [
    ref,
    { kind: 'Job', namespace: ref.namespace, name: `${ref.name}-bootstrap` },
  ]);
  for (const ref of added) {
    const a = find(after, ref);
    if (!a || items.some((i) => i.outcome === 'retired' && i.kopiur?.name === ref.name)) continue;
    items.push({
      namespace: ref.namespace,
      outcome: 'added',
      kopiur: ref,
      after: summary(a),
      notes: [],
      changes: [],
      findings: a.findings,
    });
  }
  const order = { translated: 0, refused: 0, retired: 1, added: 2 };
  items.sort((x, y) => textOrder(x.namespace, y.namespace) || order[x.outcome] - order[y.outcome]);
  const version = migrated.snapshot.kopiurVersion ?? assumedKopiurVersion;
  return {
    apiVersion: 'volsync-perms/v1',
    kind: 'MigrationPreview',
    kopiurVersion: { tag: version.tag, source: version.source },
    aborts: migrated.migrations.flatMap((m) =>
      m.outcome === 'refused' && m.reason ? [m.reason] : [],
    ),
    items,
    after,
  };
}
