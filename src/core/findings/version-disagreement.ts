import { volsyncVersions } from '../volsync/versions/index.js';
import { versionFor } from '../volsync/versions/resolve-version.js';
import { rulesRead, versionsByRules } from '../volsync/versions/rules-read.js';
import { emit, subjectArg, subjectRef, type Emission, type FindingContext } from './context.js';

/**
 * VP026: nothing says which VolSync runs (no controller read, no --volsync-version), and the
 * versions it could be build this subject's workloads otherwise: the prediction holds for the
 * assumed one only. Read from the rules of each version's table the build reads, keyed so that
 * equal keys mean equal builds: no subject is built once per version.
 */
export function findVersionDisagreement(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) => {
    const needsFork = s.maintenance !== undefined || s.mover?.mover === 'kopia';
    const assumed = versionFor(ctx.version, needsFork);
    if (!assumed.assumed) return [];
    const rules = rulesRead(s);
    if (rules.length === 0) return [];
    const plausible = volsyncVersions.filter((v) => !needsFork || v.flavor === 'fork');
    const mine = assumed.version;
    const others = versionsByRules(plausible, rules).filter((g) => !g.includes(mine));
    if (others.length === 0) return [];
    const what = (v: typeof mine, than?: typeof mine) =>
      rules
        .filter((r) => than === undefined || r.key(v) !== r.key(than))
        .map((r) => r.says(v))
        .join('; ');
    const theirs = others.map(
      (g) => `${g.map((v) => v.id).join(', ')}: ${what(g[0] as typeof mine, mine)}`,
    );
    return [
      emit('VP026', [s], {
        message: `${s.subject.kind} ${s.subject.name}: which VolSync runs is not known; the prediction is for ${mine.id} (${what(mine)}), and other versions build it otherwise: ${theirs.join(' | ')}`,
        objects: [subjectRef(s)],
        fix: `say which runs with --volsync-version, or include the VolSync controller Deployment in the input; kubectl volsync-perms render ${subjectArg(s)} -n ${s.subject.namespace} --volsync-version ID shows a version's build`,
      }),
    ];
  });
}
