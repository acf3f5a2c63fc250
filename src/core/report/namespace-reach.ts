import { repositoryKeys } from '../findings/shared-repository.js';
import { isKopiurObject } from '../kopiur/parse-kopiur.js';
import { namespaceOf } from '../k8s/object.js';
import type { Snapshot } from '../snapshot.js';
import { resolveAllMovers } from './resolve-report.js';
import { subjectContext } from './subjects.js';

/**
 * Whether a storage or repository key can name what another namespace uses too. Secrets and PVCs
 * are keyed with their namespace (`Secret ns/name`, `PVC ns/claim`: shared-repository.ts,
 * volume-storage.ts); an NFS export (`NFS server:/path`) is one place for every namespace.
 */
const crossNamespace = (key: string) => key.startsWith('NFS ');

/**
 * Whether the report of one namespace needs the movers of the others: only when one of its
 * subjects may share storage with them, a repository (VP003, VP011) or a mounted volume (the
 * storage audits) on an NFS export, or when it holds a kopiur object (a ClusterRepository and
 * kopiur's snapshot catalog span namespaces). Undecidable (a mover that does not parse) is yes:
 * the full read reports the error as always.
 */
export function needsOtherNamespaces(snapshot: Snapshot, namespace: string): boolean {
  const mine = snapshot.objects.filter((o) => namespaceOf(o) === namespace);
  if (mine.some(isKopiurObject)) return true;
  let subjects;
  try {
    subjects = resolveAllMovers(subjectContext(snapshot));
  } catch {
    return true;
  }
  return subjects.some(
    (s) =>
      s.subject.namespace === namespace &&
      (repositoryKeys(s).some(crossNamespace) ||
        s.containers.some((c) => c.resolution.storage?.some((v) => crossNamespace(v.storage.key)))),
  );
}
