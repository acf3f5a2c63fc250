import { asArray, asString, path } from '../k8s/json.js';
import { namespaceOf } from '../k8s/object.js';
import type { Snapshot } from '../snapshot.js';
import { volsyncServiceAccount } from '../volsync/build-mover-pod.js';
import { moverRules } from '../volsync/movers.js';
import { podTemplateOf } from './workloads.js';

/** The ServiceAccounts and pull secrets the pods of the snapshot would pull with. */
export function resolvePullSources(snapshot: Snapshot): {
  /** `namespace/name` of each ServiceAccount. */
  accounts: Set<string>;
  /** `namespace/name` of each imagePullSecret a pod names itself. */
  secrets: Set<string>;
} {
  const accounts = new Set<string>();
  const secrets = new Set<string>();
  for (const o of snapshot.objects) {
    const ns = namespaceOf(o);
    if (o.kind === 'ReplicationSource' || o.kind === 'ReplicationDestination') {
      for (const rule of Object.values(moverRules)) {
        if (path(o.spec, rule.specKey) === undefined) continue;
        // a user-supplied moverServiceAccount, else the one VolSync creates (volsync-semantics §4.1)
        const sa = asString(path(o.spec, rule.specKey, 'moverServiceAccount'));
        accounts.add(`${ns}/${sa ?? volsyncServiceAccount(o.kind, o.metadata.name)}`);
      }
    } else if (o.kind === 'KopiaMaintenance')
      accounts.add(`${ns}/${asString(path(o.spec, 'serviceAccountName')) ?? 'default'}`);
    const pod = podTemplateOf(o);
    if (pod === undefined) continue;
    accounts.add(`${ns}/${asString(path(pod, 'serviceAccountName')) ?? 'default'}`);
    for (const s of asArray(path(pod, 'imagePullSecrets'))) {
      const name = asString(path(s, 'name'));
      if (name) secrets.add(`${ns}/${name}`);
    }
  }
  return { accounts, secrets };
}
