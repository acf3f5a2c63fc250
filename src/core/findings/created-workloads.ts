import { driftText } from '../volsync/workload-drift.js';
import { emit, subjectArg, subjectRef, type Emission, type FindingContext } from './context.js';

/** How many differing fields a message names; the rest are counted. */
const shown = 4;

/**
 * VP025: a Job, Deployment or CronJob VolSync created is not what the rules of the VolSync
 * version the tool settled on build, field by field: another version built it, something
 * changed it after (a mutating webhook on workloads), or it was built before a change (the
 * annotation removed while the privileged Job still runs). Its pod template is what will run.
 */
export function findCreatedWorkloadDrift(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) =>
    (s.created ?? [])
      .filter((w) => w.drift.length > 0)
      .map((w) => {
        const fields = w.drift.slice(0, shown).map(driftText);
        const more = w.drift.length - fields.length;
        const [kind, ns, name] = w.ref.split('/') as [string, string, string];
        return emit('VP025', [s], {
          message: `${s.subject.kind} ${s.subject.name}: ${w.ref} is not what VolSync ${w.version} builds for it (${fields.join('; ')}${more > 0 ? `; ${more} more` : ''}; predicted → live)`,
          objects: [subjectRef(s), w.ref],
          fix: `see every field with kubectl volsync-perms render ${subjectArg(s)} -n ${ns} --diff-live; if another VolSync runs, say it with --volsync-version; if it was built before a change, delete the ${kind.toLowerCase()} (kubectl delete ${kind.toLowerCase()} -n ${ns} ${name}; a running sync stops) and VolSync builds it anew; else find what mutates workloads (kubectl get mutatingwebhookconfigurations)`,
        });
      }),
  );
}
