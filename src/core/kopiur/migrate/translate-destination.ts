import { asString, path, type Json } from '../../k8s/json.js';
import { namespaceOf, type KubeObject } from '../../k8s/object.js';
import { adoptedRepositoryName } from './adopted-repository.js';
import { kopiurApiVersion, type MigrationNote } from './migration-note.js';
import { migratedMover, type Translated } from './translate-source.js';

const cacheKnobs: [string, string][] = [
  ['cacheCapacity', 'capacity'],
  ['cacheStorageClassName', 'storageClassName'],
  ['metadataCacheSizeLimitMB', 'metadataCacheSizeMb'],
  ['contentCacheSizeLimitMB', 'contentCacheSizeMb'],
];

/** The destination fields that set a mover's identity or pod, none of which migrate models. */
const unmodelled = [
  'moverSecurityContext',
  'moverServiceAccount',
  'moverPodLabels',
  'moverAffinity',
];

/**
 * A ReplicationDestination as `migrate volsync --include-destinations` translates it: a Restore of
 * the same name and namespace whose spec.mover holds a kopia destination's four cache settings and
 * nothing else (a restic one gets no spec.mover). Its moverSecurityContext is not in migrate's
 * destination model, so it is dropped with no accounting line and the Restore runs with kopiur's
 * hardened identity (K43:kopia.rs:1416-1448, volsync_types.rs:367-430; the same in the newest
 * translate_destination).
 */
export function translateDestination(rd: KubeObject): Translated {
  const mover = migratedMover(rd);
  if (typeof mover !== 'string')
    return { outcome: 'refused', reason: `with --include-destinations: ${mover.refused}` };
  const block = path(rd.spec, mover) as Json;
  const notes: MigrationNote[] = unmodelled
    .filter((k) => block[k] !== undefined)
    .map((k) => ({
      status: 'dropped',
      field: `spec.${mover}.${k}`,
      detail: 'not in migrate’s destination model: lost without an accounting line',
    }));
  const cache: Json = {};
  if (mover === 'kopia')
    for (const [from, to] of cacheKnobs) if (block[from] !== undefined) cache[to] = block[from];
  const secret = asString(block['repository']);
  const target = asString(block['destinationPVC']);
  return {
    outcome: 'translated',
    mover,
    objects: [
      {
        apiVersion: kopiurApiVersion,
        kind: 'Restore',
        metadata: { name: rd.metadata.name, namespace: namespaceOf(rd) },
        spec: {
          ...(secret !== undefined && {
            repository: { kind: 'Repository', name: adoptedRepositoryName(secret) },
          }),
          target:
            target !== undefined
              ? { pvcRef: { name: target } }
              : { pvc: { name: `${rd.metadata.name}-restored` } },
          ...(Object.keys(cache).length > 0 && { mover: { cache } }),
        },
      },
    ],
    notes,
  };
}
