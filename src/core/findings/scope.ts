import { scopedToKey } from '../plans/annotation-keys.js';
import { at, emit, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP018: `annotate --scoped` granted privileged movers to the listed movers of a namespace that
 * held no others, and recorded them in `volsync-perms.io/scoped-to`; a privileged mover missing
 * from that list was added later and silently got UID 0 with it.
 */
export function findScopeEscapes(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) => {
    if (s.mover === undefined || s.subject.privileged !== true) return [];
    if (s.mover.mover === 'rsync') return []; // privileged whatever the namespace says
    if (s.scopePolicy !== undefined) return []; // demoted or rejected by the scope's policy
    const nsObj = ctx.index.get('Namespace', '', s.subject.namespace);
    const scope = nsObj?.metadata.annotations?.[scopedToKey];
    if (scope === undefined) return [];
    const ref = `${s.subject.kind}/${s.subject.name}`;
    if (scope.split(',').includes(ref)) return [];
    return [
      emit('VP018', [s], {
        message: `${ref} runs privileged, but Namespace ${s.subject.namespace} grants privileged movers only to ${scope.split(',').join(', ')} (${scopedToKey}); it was added after the grant and got UID 0 with it`,
        objects: [`Namespace/${s.subject.namespace}`, subjectRef(s)],
        fix: `move ${ref} to another namespace, or, if intended, run kubectl volsync-perms annotate ns/${s.subject.namespace} --privileged --scoped ${[...scope.split(','), ref].join(',')}`,
        ...at(nsObj, 'metadata', 'annotations', scopedToKey),
      }),
    ];
  });
}
