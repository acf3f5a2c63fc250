import { readRelaxRecord, relaxAnnotation } from '../plans/psa-relax.js';
import { pushTo } from '../multimap.js';
import { at, emit, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP019: `fix-job --relax-psa` lowered the namespace's Pod Security enforce level to baseline for
 * its Job and recorded the labels it replaced; while that record is there, every pod of the
 * namespace is judged at baseline. A run that died leaves it behind until the next fix-job --apply.
 */
export function findRelaxedPodSecurity(ctx: FindingContext): Emission[] {
  const byNs = new Map<string, FindingContext['subjects']>();
  for (const s of ctx.subjects) pushTo(byNs, s.subject.namespace, s);
  return [...byNs].flatMap(([ns, subjects]) => {
    const nsObj = ctx.index.get('Namespace', '', ns);
    const record = readRelaxRecord(nsObj);
    if (record === undefined) return [];
    const was =
      record === 'malformed'
        ? 'unreadable'
        : Object.entries(record.previous)
            .map(([k, v]) => `${k}=${v ?? '(unset)'}`)
            .join(', ');
    const job = record === 'malformed' ? 'a fix-job Job' : `Job ${record.job}`;
    return [
      emit('VP019', subjects, {
        message: `Namespace ${ns} has Pod Security relaxed to baseline for ${job} by kubectl volsync-perms fix-job (${relaxAnnotation}; before: ${was}): every pod of the namespace is admitted at baseline until it is restored`,
        objects: [`Namespace/${ns}`, ...subjects.map(subjectRef)],
        fix: `if no fix-job is running, restore it: kubectl volsync-perms fix-job ... -n ${ns} --apply (a run that died is detected and undone), or set the labels back by hand and remove the annotation`,
        ...at(nsObj, 'metadata', 'annotations', relaxAnnotation),
      }),
    ];
  });
}
