import { isObject, type Json } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import type { SubjectRef } from '../report/resolve-report.js';
import type { Snapshot } from '../snapshot.js';
import { moverRules, moverTypes } from '../volsync/movers.js';
import { privilegedMoversKey } from '../volsync/privileged.js';

/**
 * The snapshot as it would be with the namespace's privileged-movers annotation set ("true") or
 * removed: the hypothesis the TUI's `a` toggles, resolved by the same core as everything else.
 * A Namespace missing from the input is added with only that annotation.
 */
export function withPrivilegedMovers(
  snapshot: Snapshot,
  namespace: string,
  privileged: boolean,
): Snapshot {
  const set = (o: KubeObject): KubeObject => {
    const annotations = { ...o.metadata.annotations };
    if (privileged) annotations[privilegedMoversKey] = 'true';
    else Reflect.deleteProperty(annotations, privilegedMoversKey);
    return { ...o, metadata: { ...o.metadata, annotations } };
  };
  const isIt = (o: KubeObject) => o.kind === 'Namespace' && o.metadata.name === namespace;
  const found = snapshot.objects.some(isIt);
  return {
    ...snapshot,
    objects: found
      ? snapshot.objects.map((o) => (isIt(o) ? set(o) : o))
      : [
          ...snapshot.objects,
          set({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
        ],
  };
}

/**
 * The snapshot with one mover's moverSecurityContext.runAsUser set to `uid` (the TUI's `u`);
 * unchanged when the object is not a mover of a known kind.
 */
export function withMoverRunAsUser(snapshot: Snapshot, ref: SubjectRef, uid: number): Snapshot {
  return {
    ...snapshot,
    objects: snapshot.objects.map((o) => {
      if (
        o.kind !== ref.kind ||
        o.metadata.name !== ref.name ||
        o.metadata.namespace !== ref.namespace
      )
        return o;
      const spec = isObject(o.spec) ? o.spec : {};
      const key = moverTypes.map((m) => moverRules[m].specKey).find((k) => isObject(spec[k]));
      if (key === undefined) return o;
      const mover = spec[key] as Json;
      const context = isObject(mover['moverSecurityContext']) ? mover['moverSecurityContext'] : {};
      return {
        ...o,
        spec: {
          ...spec,
          [key]: { ...mover, moverSecurityContext: { ...context, runAsUser: uid } },
        },
      };
    }),
  };
}
