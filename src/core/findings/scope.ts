import { ownPolicyObjects } from '../admission/scope-policy.js';
import { scopedToKey } from '../plans/annotation-keys.js';
import { at, emit, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP018: a mover runs privileged in a namespace whose `volsync-perms.io/scoped-to` does not list
 * it, and nothing takes the privilege back. `annotate --scoped` writes a policy that demotes (or
 * rejects) the privileged pod of every mover not listed, including one added after the grant, so
 * such a mover is reported through the policy in its trace, not here. VP018 remains for a scope no
 * policy enforces: one granted on a cluster without admission policies (or by an older version),
 * or whose policy was deleted or changed by hand.
 */
export function findScopeEscapes(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) => {
    if (s.mover === undefined || s.subject.privileged !== true) return [];
    if (s.mover.mover === 'rsync') return []; // root whatever the namespace says (volsync-semantics §3)
    if (s.scopePolicy !== undefined) return []; // demoted or rejected by the scope's policy
    // the server's dry run (or the running pod) says it is not root, or not admitted
    const r = s.containers[0]?.resolution;
    const uid = r?.identity.uid;
    if (r?.admitted === false || (typeof uid === 'number' && uid !== 0)) return [];
    const ns = s.subject.namespace;
    const nsObj = ctx.index.get('Namespace', '', ns);
    const scope = nsObj?.metadata.annotations?.[scopedToKey];
    if (scope === undefined) return [];
    const ref = `${s.subject.kind}/${s.subject.name}`;
    const listed = scope.split(',');
    if (listed.includes(ref)) return [];
    const why =
      ownPolicyObjects(ctx.policies, ns).length > 0
        ? 'the policy annotate --scoped wrote for it does not select this mover (changed by hand?)'
        : 'no policy of annotate --scoped enforces the scope (deleted, or the cluster serves none)';
    const short = (x: string) =>
      x.replace(/^ReplicationSource\//, 'rs/').replace(/^ReplicationDestination\//, 'rd/');
    return [
      emit('VP018', [s], {
        message: `${ref} runs privileged, but Namespace ${ns} grants privileged movers only to ${listed.join(', ')} (${scopedToKey}), and ${why}: it got UID 0 with the grant`,
        objects: [`Namespace/${ns}`, subjectRef(s)],
        fix: `where the cluster serves admission policies, run kubectl volsync-perms annotate ns/${ns} --privileged --scoped ${listed.map(short).join(',')} --apply to write the policy that demotes (or rejects) it, move ${ref} to another namespace, or, if intended, add it: --scoped ${[...listed, ref].map(short).join(',')}`,
        ...at(nsObj, 'metadata', 'annotations', scopedToKey),
      }),
    ];
  });
}
