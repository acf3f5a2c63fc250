import { privilegedMoversKey, resolvePrivileged } from '../volsync/privileged.js';
import { findClosestName } from './closest-name.js';
import { emit, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP020: a postBuild.substitute variable no template of its Kustomization reads. The value never
 * reaches the objects: a misnamed identity variable (`APP_UID` where the shared volsync
 * component reads `VOLSYNC_PUID`) leaves the mover at the template's default UID, silently.
 * Reported on the movers that Kustomization renders.
 */
export function findUnusedVariables(ctx: FindingContext): Emission[] {
  return (ctx.snapshot.repository?.unusedVariables ?? []).flatMap((u) => {
    const to = ctx.subjects.filter((s) => u.objects.includes(subjectRef(s)));
    if (to.length === 0) return [];
    const meant = findClosestName(u.variable, u.unset);
    return [
      emit('VP020', to, {
        message: `Kustomization ${u.kustomization} sets postBuild.substitute ${u.variable}=${JSON.stringify(u.value)}, which no template it renders reads${meant ? `; they read ${meant}, which nothing sets, so its default in the template applies` : ''}`,
        objects: [...to.map(subjectRef), `Kustomization/${u.kustomization}`],
        fix: meant
          ? `rename ${u.variable} to ${meant} in postBuild.substitute (${u.origin.file}), or drop it`
          : `drop ${u.variable} from postBuild.substitute (${u.origin.file}), or use it in a template as \${${u.variable}}`,
        origin: u.origin,
      }),
    ];
  });
}

/**
 * VP021: a Namespace manifest that writes the privileged-movers key, in a file no Flux
 * Kustomization renders: whoever reads it believes the movers of that namespace are privileged
 * (or that the grant was removed elsewhere), while the cluster never sees it.
 */
export function findUnrenderedNamespaces(ctx: FindingContext): Emission[] {
  return (ctx.snapshot.repository?.unrenderedNamespaces ?? []).flatMap((n) => {
    const to = ctx.subjects.filter((s) => s.subject.namespace === n.name);
    if (to.length === 0) return [];
    const rendered = ctx.namespaces.get(n.name);
    const now = !rendered
      ? `no rendered manifest of Namespace ${n.name} says whether it allows privileged movers`
      : `the namespace as rendered ${resolvePrivileged('kopia', rendered, n.name).value === true ? 'does' : 'does not'} allow privileged movers`;
    return [
      emit('VP021', to, {
        message: `${n.origin.file}:${n.origin.line} writes ${privilegedMoversKey}=${JSON.stringify(n.value)} on Namespace ${n.name} (${n.part}), but no Flux Kustomization renders that file: it is not in force; ${now}`,
        objects: [`Namespace/${n.name}`, ...to.map(subjectRef)],
        fix: `delete the manifest, or include it in the namespace's kustomization (and check what that grants with kubectl volsync-perms annotate ns/${n.name} --privileged --flux ...)`,
        origin: n.origin,
      }),
    ];
  });
}
