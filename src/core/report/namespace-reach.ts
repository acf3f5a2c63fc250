import { repositoryKeys } from '../findings/shared-repository.js';
import { isKopiurObject } from '../kopiur/parse-kopiur.js';
import { asArray, isObject, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { indexSnapshot } from '../snapshot-index.js';
import { resolveVolumeStorage } from '../storage/volume-storage.js';
import { podTemplateOf } from './workloads.js';
import type { Snapshot } from '../snapshot.js';
import { resolveAllMovers } from './resolve-report.js';
import { subjectContext, type ResolvedSubject } from './subjects.js';

/**
 * Whether a storage or repository key can name what another namespace uses too. Secrets and PVCs
 * are keyed with their namespace (`Secret ns/name`, `PVC ns/claim`: shared-repository.ts,
 * volume-storage.ts); an NFS export (`NFS server:/path`) is one place for every namespace.
 */
const crossNamespace = (key: string) => key.startsWith('NFS ');

/**
 * Whether an object of the namespace is, or mounts, storage on an NFS export: a claim bound to an
 * NFS PersistentVolume, or a pod template's inline nfs volume. fix-job and audit ask about such a
 * volume even where no mover of the namespace mounts it, and its writers may be anywhere.
 */
function onNfs(snapshot: Snapshot, o: KubeObject): boolean {
  if (o.kind === 'PersistentVolumeClaim') {
    const claim = {
      name: o.metadata.name,
      type: 'persistentVolumeClaim',
      claimName: o.metadata.name,
    };
    const storage = resolveVolumeStorage(indexSnapshot(snapshot), namespaceOf(o), claim, []);
    return storage !== undefined && crossNamespace(storage.key);
  }
  return asArray(path(podTemplateOf(o), 'volumes')).some((v) => isObject(path(v, 'nfs')));
}

/**
 * Whether the report of one namespace needs the movers of the others: only when they may share
 * storage with it. That is a repository (VP003, VP011) or mounted volume (the storage audits) of
 * its subjects on an NFS export, any other storage of the namespace there, or a kopiur object (a
 * ClusterRepository and kopiur's snapshot catalog span namespaces). Undecidable (a mover that
 * does not parse) is yes: the full read reports the error as always.
 */
export function needsOtherNamespaces(snapshot: Snapshot, namespace: string): boolean {
  // the objects first: when they decide, the movers need not be resolved (a live read waits)
  if (
    objectsReach(
      snapshot,
      snapshot.objects.filter((o) => namespaceOf(o) === namespace),
    )
  )
    return true;
  let subjects;
  try {
    subjects = resolveAllMovers(subjectContext(snapshot));
  } catch {
    return true;
  }
  return subjectsReach(subjects.filter((s) => s.subject.namespace === namespace));
}

/**
 * needsOtherNamespaces for a namespace whose objects and resolved subjects are at hand (serve
 * keeps both per namespace): the same answer without resolving the snapshot again.
 */
export function reachesOtherNamespaces(
  snapshot: Snapshot,
  objects: readonly KubeObject[],
  subjects: readonly ResolvedSubject[],
): boolean {
  return objectsReach(snapshot, objects) || subjectsReach(subjects);
}

const objectsReach = (snapshot: Snapshot, objects: readonly KubeObject[]) =>
  objects.some(isKopiurObject) || objects.some((o) => onNfs(snapshot, o));

function subjectsReach(subjects: readonly ResolvedSubject[]): boolean {
  return subjects.some(
    (s) =>
      repositoryKeys(s).some(crossNamespace) ||
      s.containers.some((c) => c.resolution.storage?.some((v) => crossNamespace(v.storage.key))),
  );
}
