import { asArray, asString, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import { podTemplateOf } from '../report/workloads.js';

/**
 * Whether the workload, started again after the repair, runs as the owner its files get: each
 * container's runAsUser, else the pod's (k8s-identity §1.3: the container's wins). A container that
 * sets none runs as its image's USER, which the template does not say. Returns the note to show
 * when they differ or are not known, else undefined.
 */
export function findOwnerMismatch(w: KubeObject, uid: number): string | undefined {
  const pod = podTemplateOf(w);
  const podUid = path(pod, 'securityContext', 'runAsUser');
  const containers = [
    ...asArray(path(pod, 'initContainers')),
    ...asArray(path(pod, 'containers')),
  ].map((c) => {
    const own = path(c, 'securityContext', 'runAsUser');
    const name = asString(path(c, 'name')) ?? '?';
    return {
      name,
      uid: typeof own === 'number' ? own : typeof podUid === 'number' ? podUid : undefined,
    };
  });
  const other = containers.filter((c) => c.uid !== undefined && c.uid !== uid);
  const unset = containers.filter((c) => c.uid === undefined);
  if (other.length > 0)
    return `its pod template runs ${other.map((c) => `container ${c.name} as UID ${c.uid}`).join(', ')}, not ${uid}: set runAsUser: ${uid} in the template before the workload starts again (the vendor order: change runAsUser, then repair), or it starts on files it no longer owns`;
  if (unset.length > 0)
    return `${unset.map((c) => `container ${c.name}`).join(', ')} set${unset.length === 1 ? 's' : ''} no runAsUser: the image's USER decides (effective-uid ${w.kind.toLowerCase()}/${w.metadata.name} tells which); make sure it is ${uid}`;
  return undefined;
}
