import { asString, path } from '../../k8s/json.js';
import { namespaceOf, type KubeObject } from '../../k8s/object.js';
import type { Scope, SubjectRef } from '../../report/resolve-report.js';
import type { Snapshot } from '../../snapshot.js';
import { adoptedRepositoryName } from './adopted-repository.js';
import type { MigrationNote } from './migration-note.js';
import { translateDestination } from './translate-destination.js';
import { translateSource, type Translated } from './translate-source.js';
import { textOrder } from '../../text-order.js';

/** What became of one VolSync object of the scope. */
export interface Migration {
  from: SubjectRef;
  /** translated: kopiur objects replace it; refused: migrate stops on it; retired: deleted, not translated. */
  outcome: 'translated' | 'refused' | 'retired';
  /** The kopiur subject that runs in its place: the SnapshotPolicy, the Restore, or for a retired
   * KopiaMaintenance the Repository whose managed maintenance takes over. */
  to?: SubjectRef;
  /** The mover block migrate read (translated objects only). */
  mover?: 'kopia' | 'restic';
  notes: MigrationNote[];
  reason?: string;
}

export interface MigratedSnapshot {
  snapshot: Snapshot;
  migrations: Migration[];
  /** The Repositories migrate writes, whose maintenance kopiur manages from then on. */
  repositories: SubjectRef[];
}

const refOf = (o: KubeObject): SubjectRef => ({
  kind: o.kind,
  namespace: namespaceOf(o),
  name: o.metadata.name,
});

const byRef = (a: SubjectRef, b: SubjectRef) =>
  textOrder(a.namespace, b.namespace) || textOrder(a.kind, b.kind) || textOrder(a.name, b.name);

const keyOf = (o: KubeObject) => `${o.kind}/${namespaceOf(o)}/${o.metadata.name}`;

const translators: Record<string, (o: KubeObject) => Translated> = {
  ReplicationSource: translateSource,
  ReplicationDestination: translateDestination,
};

/**
 * The snapshot as `kubectl kopiur migrate volsync --resolve-secrets --include-destinations` on the
 * scope would leave it once applied and the fork's KopiaMaintenance retired as its docs say: each
 * restic or kopia ReplicationSource and ReplicationDestination replaced by its kopiur objects, the
 * others kept (migrate refuses them). Objects outside the scope are not migrated: kopiur's command
 * takes a namespace or -A as this one does.
 */
export function migrateSnapshot(snapshot: Snapshot, scope: Scope): MigratedSnapshot {
  const inScope = (o: KubeObject) => scope.all || namespaceOf(o) === scope.namespace;
  const migrations: Migration[] = [];
  const added = new Map<string, KubeObject>();
  const removed = new Set<KubeObject>();
  for (const o of snapshot.objects) {
    if (!inScope(o) || !o.apiVersion.startsWith('volsync.backube/')) continue;
    const translate = translators[o.kind];
    if (translate) {
      const t = translate(o);
      if (t.outcome === 'refused') {
        migrations.push({ from: refOf(o), outcome: 'refused', notes: [], reason: t.reason });
        continue;
      }
      removed.add(o);
      for (const k of t.objects) added.set(keyOf(k), k);
      migrations.push({
        from: refOf(o),
        outcome: 'translated',
        to: refOf(t.objects[0] as KubeObject),
        mover: t.mover,
        notes: t.notes,
      });
    } else if (o.kind === 'KopiaMaintenance') {
      removed.add(o);
      const secret = asString(path(o.spec, 'repository', 'repository'));
      migrations.push({
        from: refOf(o),
        outcome: 'retired',
        ...(secret !== undefined && {
          to: {
            kind: 'Repository',
            namespace: namespaceOf(o),
            name: adoptedRepositoryName(secret),
          },
        }),
        notes: [],
        reason:
          'migrate does not translate a KopiaMaintenance; its docs say to delete it once the repository is Ready, kopiur then owns maintenance',
      });
    }
  }
  // a cluster lists kinds in another order than files hold them: the preview must not depend on it
  migrations.sort((a, b) => byRef(a.from, b.from));
  const repositories = [...added.values()]
    .filter((o) => o.kind === 'Repository')
    .map(refOf)
    .sort(byRef);
  // a retired maintenance is replaced only by a Repository migrate writes
  for (const m of migrations)
    if (
      m.outcome === 'retired' &&
      m.to &&
      !repositories.some((r) => r.namespace === m.to?.namespace && r.name === m.to.name)
    )
      delete m.to;
  return {
    snapshot: {
      ...snapshot,
      // what migrate writes replaces an object of the same kind and name (kubectl apply)
      objects: [
        ...snapshot.objects.filter((o) => !removed.has(o) && !added.has(keyOf(o))),
        ...added.values(),
      ],
    },
    migrations,
    repositories,
  };
}
