import { previewMigration } from '../core/kopiur/migrate/migration-preview.js';
import type { Scope } from '../core/report/resolve-report.js';
import type { Snapshot } from '../core/snapshot.js';
import {
  renderMigrationPreview,
  renderMigrationPreviewDocument,
} from '../render/migration-preview.js';
import { write, type Deps } from './deps.js';
import { exitCodeFor } from './exit-code.js';
import type { ExplainArgs } from './explain.js';
import { resolvePaint } from './global-options.js';

/**
 * `explain --what-if migrate-kopiur`. With --exit-code it exits 1 when the migration changes what
 * a mover runs as, or the migrated movers have a finding at or above --fail-on: the gate for a
 * pull request that migrates a Flux repository.
 */
export function runMigrationPreview(
  a: ExplainArgs,
  snapshot: Snapshot,
  scope: Scope,
  deps: Deps,
): number {
  const p = previewMigration(snapshot, scope);
  if (a.output === 'json' || a.output === 'yaml')
    write(deps.stdout, renderMigrationPreviewDocument(p, a.output));
  else if (p.items.length === 0)
    deps.stderr.write(
      scope.all
        ? 'No VolSync movers to migrate in any namespace.\n'
        : `No VolSync movers to migrate in ${scope.namespace} namespace.\n`,
    );
  else
    write(
      deps.stdout,
      renderMigrationPreview(p, { allNamespaces: scope.all, paint: resolvePaint(a, deps) }),
    );
  if (!a['exit-code']) return 0;
  if (p.items.some((i) => i.changes.length > 0)) return 1;
  return exitCodeFor(p.after, a);
}
