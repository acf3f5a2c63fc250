import { path, type Json } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import type { Snapshot } from '../snapshot.js';
import { resolveVolsyncWorkloads, type SubjectWorkloads } from '../volsync/volsync-workloads.js';
import { versionOfSnapshot } from '../volsync/versions/resolve-version.js';
import { workloadDrift, type FieldDrift } from '../volsync/workload-drift.js';
import { projectWorkload } from '../volsync/workload-projection.js';
import { moverKinds, type Scope, type SubjectRef } from './resolve-report.js';
import { findCreatedWorkload } from './created-workload.js';
import { namespaceFactsOf } from './subjects.js';
import { indexSnapshot } from '../snapshot-index.js';
import { textOrder } from '../text-order.js';

/** A predicted workload next to the one the cluster holds under its name, if any. */
export interface LiveWorkload {
  /** `Job/default/volsync-src-bookstack` */
  ref: string;
  predicted: Json;
  /** The live object's projection; null when the input has no workload of that name. */
  live: Json | null;
  drift: FieldDrift[];
}

export interface WorkloadsReport {
  subjects: (SubjectWorkloads & { live: LiveWorkload[] })[];
}

const workloadKinds = new Set(['Job', 'CronJob', 'Deployment']);

/**
 * What VolSync creates for each of its objects in scope (or for `ref` alone), as the snapshot's
 * VolSync version builds it, each workload paired with the one VolSync created for it in the input.
 */
export function resolveWorkloadsReport(
  snapshot: Snapshot,
  target: Scope | SubjectRef,
): WorkloadsReport {
  const namespaces = namespaceFactsOf(snapshot);
  const index = indexSnapshot(snapshot);
  const choice = versionOfSnapshot(snapshot);
  const wanted = (o: KubeObject) =>
    'kind' in target
      ? o.kind === target.kind &&
        namespaceOf(o) === target.namespace &&
        o.metadata.name === target.name
      : moverKinds.has(o.kind) && (target.all || namespaceOf(o) === target.namespace);
  const seen = new Set<string>();
  const objects = snapshot.objects
    .filter((o) => wanted(o))
    .filter((o) => {
      // a tree read twice renders each object once, as the rest of the tool reads its first copy
      const key = `${o.kind}/${namespaceOf(o)}/${o.metadata.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        textOrder(namespaceOf(a), namespaceOf(b)) ||
        textOrder(a.kind, b.kind) ||
        textOrder(a.metadata.name, b.metadata.name),
    );
  return {
    subjects: objects.map((o) => {
      const r = resolveVolsyncWorkloads(
        o,
        namespaces.get(namespaceOf(o)),
        snapshot.moverImages.images,
        choice,
      );
      const live = r.objects
        .filter((p) => workloadKinds.has(String(p['kind'])))
        .map((predicted): LiveWorkload => {
          const kind = String(predicted['kind']);
          const name = String(path(predicted, 'metadata', 'name'));
          const found = findCreatedWorkload(index, o, { kind, name });
          const projected = found ? projectWorkload(found as unknown as Json) : null;
          return {
            ref: `${kind}/${namespaceOf(o)}/${name}`,
            predicted,
            live: projected,
            drift: projected ? workloadDrift(predicted, projected) : [],
          };
        });
      return { ...r, live };
    }),
  };
}
