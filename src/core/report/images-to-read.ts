import { asArray, asString, isObject, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { indexSnapshot } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { moverRules, type MoverType } from '../volsync/movers.js';
import { podTemplateOf } from './workloads.js';

const specKeyToMover = new Map(
  (Object.entries(moverRules) as [MoverType, { specKey: string }][]).map(([m, r]) => [
    r.specKey,
    m,
  ]),
);

function containerImages(o: KubeObject): string[] {
  const pod = podTemplateOf(o);
  return [...asArray(path(pod, 'initContainers')), ...asArray(path(pod, 'containers'))]
    .map((c) => asString(path(c, 'image')))
    .filter((i): i is string => i !== undefined && i !== '');
}

/**
 * The images whose identity facts the report needs, and no others (a cluster runs far more
 * images than it has movers): each mover type's image, the containers of the workloads that
 * mount a mover's PVC (VP010), of the mover pods VolSync created, and of `focus`
 * (effective-uid on a workload).
 */
export function imagesToRead(snapshot: Snapshot, focus?: KubeObject): string[] {
  const index = indexSnapshot(snapshot);
  const out = new Set<string>(focus ? containerImages(focus) : []);
  for (const o of snapshot.objects) {
    if (o.kind === 'KopiaMaintenance') out.add(snapshot.moverImages.images['kopia-maintenance']);
    if (o.kind === 'Pod' && o.metadata.labels?.['app.kubernetes.io/created-by'] === 'volsync')
      for (const i of containerImages(o)) out.add(i);
    if (o.kind !== 'ReplicationSource' && o.kind !== 'ReplicationDestination') continue;
    const claims = [asString(path(o.spec, 'sourcePVC'))];
    // the spec's few keys, not every mover's: this runs for each of a cluster's movers
    for (const key of isObject(o.spec) ? Object.keys(o.spec) : []) {
      const mover = specKeyToMover.get(key);
      if (mover === undefined || path(o.spec, key) === undefined) continue;
      out.add(snapshot.moverImages.images[mover]);
      claims.push(asString(path(o.spec, key, 'destinationPVC')));
    }
    for (const claim of claims)
      if (claim !== undefined)
        for (const w of index.claimUsers(namespaceOf(o), claim))
          for (const i of containerImages(w)) out.add(i);
  }
  return [...out].sort();
}
