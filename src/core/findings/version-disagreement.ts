import { canonical } from '../k8s/canonical.js';
import type { Json } from '../k8s/json.js';
import { namespaceOf } from '../k8s/object.js';
import type { ResolvedSubject } from '../report/subjects.js';
import { volsyncVersions } from '../volsync/versions/index.js';
import { versionFor } from '../volsync/versions/resolve-version.js';
import { rulesRead, versionsByRules } from '../volsync/versions/rules-read.js';
import type { VolsyncVersion } from '../volsync/versions/types.js';
import { renderVolsyncSubject } from '../volsync/render-workloads.js';
import { workloadDrift, type FieldDrift } from '../volsync/workload-drift.js';
import { emit, subjectRef, type Emission, type FindingContext } from './context.js';

const isWorkload = (o: Json) => ['Job', 'CronJob', 'Deployment'].includes(String(o['kind']));
const keyOf = (o: Json) =>
  `${String(o['kind'])}/${String((o['metadata'] as Json | undefined)?.['name'])}`;

/** The workloads one version builds for the subject, by `Kind/name`. */
function workloadsAt(ctx: FindingContext, s: ResolvedSubject, v: VolsyncVersion): Json {
  const r = renderVolsyncSubject(
    s.object,
    ctx.namespaces.get(namespaceOf(s.object)),
    ctx.snapshot.moverImages.images,
    { version: v, source: 'a plausible version', assumed: true },
  );
  return Object.fromEntries(r.objects.filter(isWorkload).map((o) => [keyOf(o), o]));
}

const short = (v: unknown) => {
  const text = JSON.stringify(v);
  return text.length <= 40 ? text : Array.isArray(v) ? '[…]' : '{…}';
};

/** A difference in a few words: a workload only one side builds, else the field with short values. */
function briefly(d: FieldDrift): string {
  if (!d.field.includes('.')) return d.live === undefined ? `no ${d.field}` : `adds ${d.field}`;
  if (d.live === undefined) return `no ${d.field}`;
  if (d.predicted === undefined) return `adds ${d.field}: ${short(d.live)}`;
  return `${d.field} ${short(d.predicted)} → ${short(d.live)}`;
}

/**
 * VP026: nothing says which VolSync runs (no controller read, no --volsync-version), and the
 * versions it could be build this subject's workloads differently: the prediction holds for the
 * assumed one only. Versions are grouped first by the rules the build reads, so a subject no
 * version rule touches costs nothing.
 */
export function findVersionDisagreement(ctx: FindingContext): Emission[] {
  return ctx.subjects.flatMap((s) => {
    const needsFork = s.maintenance !== undefined || s.mover?.mover === 'kopia';
    const assumed = versionFor(ctx.version, needsFork);
    if (!assumed.assumed || (!s.mover && !s.maintenance)) return [];
    const plausible = volsyncVersions.filter((v) => !needsFork || v.flavor === 'fork');
    const groups = versionsByRules(plausible, rulesRead(s.object));
    if (groups.length < 2) return [];
    const mine = workloadsAt(ctx, s, assumed.version);
    const builds = new Map<string, { versions: VolsyncVersion[]; workloads: Json }>();
    for (const g of groups) {
      const workloads = workloadsAt(ctx, s, g[0] as VolsyncVersion);
      const key = canonical(workloads);
      const seen = builds.get(key);
      builds.set(key, { versions: [...(seen?.versions ?? []), ...g], workloads });
    }
    const others = [...builds.entries()]
      .filter(([key]) => key !== canonical(mine))
      .map(([, b]) => b);
    if (others.length === 0) return [];
    const said = others.map((b) => {
      const d = workloadDrift(mine, b.workloads);
      const first = d[0] ? briefly(d[0]) : '';
      return `${b.versions.map((v) => v.id).join(', ')}: ${first}${d.length > 1 ? ` (+${d.length - 1} more)` : ''}`;
    });
    return [
      emit('VP026', [s], {
        message: `${s.subject.kind} ${s.subject.name}: which VolSync runs is not known (assumed ${assumed.version.id}), and other versions build its workloads otherwise (${assumed.version.id} → theirs): ${said.join('; ')}`,
        objects: [subjectRef(s)],
        fix: `say which runs with --volsync-version (${others
          .flatMap((b) => b.versions.map((v) => v.id))
          .slice(0, 3)
          .join(
            ', ',
          )}, ...), or include the VolSync controller Deployment in the input; kubectl volsync-perms render shows each version's build`,
      }),
    ];
  });
}
