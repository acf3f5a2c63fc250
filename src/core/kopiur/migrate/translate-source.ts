import { asString, isObject, path, type Json } from '../../k8s/json.js';
import { namespaceOf, type KubeObject } from '../../k8s/object.js';
import { adoptedRepository, adoptedRepositoryName } from './adopted-repository.js';
import { kopiurApiVersion, type MigrationNote } from './migration-note.js';

export type MigratedMover = 'kopia' | 'restic';

/** What migrate makes of one VolSync object: kopiur objects with its accounting, or its refusal. */
export type Translated =
  | { outcome: 'translated'; mover: MigratedMover; objects: KubeObject[]; notes: MigrationNote[] }
  | { outcome: 'refused'; reason: string };

/** The mover block migrate reads: restic or the fork's kopia, one of them (K43:volsync_types.rs:85-101). */
export function migratedMover(o: KubeObject): MigratedMover | { refused: string } {
  const where = `${o.kind} ${namespaceOf(o)}/${o.metadata.name}`;
  const has = (k: string) => isObject(path(o.spec, k));
  if (has('restic') && has('kopia'))
    return { refused: `${where} has both spec.restic and spec.kopia; VolSync allows only one` };
  if (has('kopia')) return 'kopia';
  if (has('restic')) return 'restic';
  return {
    refused: `${where} has neither spec.restic nor spec.kopia; only restic and kopia sources can be migrated`,
  };
}

/**
 * A ReplicationSource as `kubectl kopiur migrate volsync --resolve-secrets` translates it: a
 * SnapshotPolicy of the same name and namespace whose spec.mover.podSecurityContext is the
 * moverSecurityContext verbatim, and nothing else about identity: no container securityContext, no
 * privilegedMode, no inheritance, and the namespace's volsync.backube/privileged-movers is never
 * read (K43:crates/cli/src/cmd/migrate/kopia.rs:1065-1071, translate.rs:191-197; the same in
 * crates/migrate/src/kopia.rs@b2efc928). Its repository Secret becomes the Repository it names.
 */
export function translateSource(rs: KubeObject): Translated {
  const mover = migratedMover(rs);
  if (typeof mover !== 'string') return { outcome: 'refused', reason: mover.refused };
  const block = path(rs.spec, mover) as Json;
  const notes: MigrationNote[] = [];
  const at = `spec.${mover}`;
  const context = block['moverSecurityContext'];
  const mapped: Json = {};
  if (isObject(context)) {
    mapped['podSecurityContext'] = context;
    notes.push({
      status: 'mapped',
      field: `${at}.moverSecurityContext`,
      detail: 'SnapshotPolicy.spec.mover.podSecurityContext',
    });
  }
  if (isObject(block['moverResources'])) mapped['resources'] = block['moverResources'];
  if (asString(block['moverServiceAccount']) !== undefined)
    notes.push({
      status: 'UNMAPPABLE',
      field: `${at}.moverServiceAccount`,
      detail: 'kopiur mints a least-privilege per-namespace mover ServiceAccount itself',
    });
  if (mover === 'restic' && block['moverVolumes'] !== undefined)
    notes.push({
      status: 'dropped',
      field: `${at}.moverVolumes`,
      detail: 'not modelled for restic sources: lost without an accounting line',
    });
  const secret = asString(block['repository']);
  const sourcePVC = asString(path(rs.spec, 'sourcePVC'));
  const policy: KubeObject = {
    apiVersion: kopiurApiVersion,
    kind: 'SnapshotPolicy',
    metadata: { name: rs.metadata.name, namespace: namespaceOf(rs) },
    spec: {
      ...(secret !== undefined && {
        repository: { kind: 'Repository', name: adoptedRepositoryName(secret) },
      }),
      ...(sourcePVC !== undefined && { sources: [{ pvc: { name: sourcePVC } }] }),
      ...(Object.keys(mapped).length > 0 && { mover: mapped }),
    },
  };
  return {
    outcome: 'translated',
    mover,
    objects: [policy, ...(secret === undefined ? [] : [adoptedRepository(rs, mover, secret)])],
    notes,
  };
}
