import { planAnnotate } from '../core/plans/annotate.js';
import { planFix } from '../core/plans/fix-plan.js';
import { withMoverRunAsUser, withPrivilegedMovers } from '../core/plans/what-if.js';
import { resolveReport, resolveSubjectReport } from '../core/report/resolve-report.js';
import type { Report, Subject } from '../core/report/types.js';
import type { Snapshot } from '../core/snapshot.js';
import { privilegedMoversKey } from '../core/volsync/privileged.js';
import { renderAnnotatePreview } from '../render/annotate-preview.js';
import { makePaint } from '../render/color.js';
import { renderManifestYaml } from '../render/json.js';
import type { WhatIf } from './state.js';

/** A mover or workload of the report, as the TUI names it. */
export interface SubjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Everything the TUI shows, computed by the core from one snapshot: the TUI itself reads no
 * source and decides nothing. Hypotheses (what-ifs) are resolved on a changed copy of the
 * snapshot, never written.
 */
export interface TuiData {
  /** Where the snapshot came from, e.g. `--demo`, `context kind-prod`. */
  source: string;
  report: Report;
  namespace(name: string): { privileged: boolean | null; podSecurity: string };
  /** The movers of a namespace resolved with its annotation flipped (memoized). */
  flipped(namespace: string): Report;
  subject(ref: SubjectRef, whatIf: WhatIf): Subject | undefined;
  fixJobYaml(ref: SubjectRef): string;
  annotatePreview(ref: SubjectRef): string;
  /** The CLI command that prints the same view. */
  command(ref: SubjectRef | undefined, namespace: string | undefined): string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function tuiData(snapshot: Snapshot, source: string, sourceFlags: string[]): TuiData {
  const report = resolveReport(snapshot, { all: true });
  const namespaceObject = (name: string) =>
    snapshot.objects.find((o) => o.kind === 'Namespace' && o.metadata.name === name);
  const annotated = (name: string): boolean | null => {
    const ns = namespaceObject(name);
    if (!ns) return null;
    return (ns.metadata.annotations?.[privilegedMoversKey] ?? '').toLowerCase() === 'true';
  };
  const flipped = new Map<string, Report>();
  const flags = sourceFlags.length > 0 ? ` ${sourceFlags.join(' ')}` : '';
  const short = (ref: SubjectRef) =>
    `${ref.kind === 'ReplicationSource' ? 'rs' : ref.kind === 'ReplicationDestination' ? 'rd' : ref.kind.toLowerCase()}/${ref.name}`;
  return {
    source,
    report,
    namespace: (name) => ({
      privileged: annotated(name),
      podSecurity:
        namespaceObject(name)?.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? '-',
    }),
    flipped(namespace) {
      let r = flipped.get(namespace);
      if (!r) {
        r = resolveReport(
          withPrivilegedMovers(snapshot, namespace, annotated(namespace) !== true),
          {
            all: false,
            namespace,
          },
        );
        flipped.set(namespace, r);
      }
      return r;
    },
    subject(ref, whatIf) {
      let s = snapshot;
      if (whatIf.privileged !== undefined)
        s = withPrivilegedMovers(s, ref.namespace, whatIf.privileged);
      if (whatIf.runAsUser !== undefined) s = withMoverRunAsUser(s, ref, whatIf.runAsUser);
      return resolveSubjectReport(s, ref)?.subjects[0];
    },
    fixJobYaml(ref) {
      if (ref.kind !== 'ReplicationSource' && ref.kind !== 'ReplicationDestination')
        return `fix-job repairs the volume of a mover; ${ref.kind} ${ref.name} is not one.`;
      try {
        const plan = planFix(
          snapshot,
          { ...ref, kind: ref.kind },
          { deadlineSeconds: 3600, ttlSeconds: 86400 },
        );
        return `# kubectl volsync-perms fix-job ${short(ref)} -n ${ref.namespace}${flags} -o yaml\n${renderManifestYaml(plan.job)}`;
      } catch (e) {
        return `fix-job ${short(ref)}: ${message(e)}`;
      }
    },
    annotatePreview(ref) {
      if (ref.kind !== 'ReplicationSource' && ref.kind !== 'ReplicationDestination')
        return `annotate --scoped takes movers; ${ref.kind} ${ref.name} is not one.`;
      try {
        const plan = planAnnotate(snapshot, {
          namespace: ref.namespace,
          privileged: true,
          scoped: [{ kind: ref.kind, name: ref.name }],
          denyOthers: false,
          policyApis: snapshot.policyApis,
        });
        return `# kubectl volsync-perms annotate ns/${ref.namespace} --privileged --scoped ${short(ref)}${flags}\n${renderAnnotatePreview(plan, makePaint(false))}`;
      } catch (e) {
        return `annotate ns/${ref.namespace} --scoped ${short(ref)}: ${message(e)}`;
      }
    },
    command(ref, namespace) {
      if (ref)
        return `kubectl volsync-perms effective-uid ${short(ref)} -n ${ref.namespace}${flags}`;
      return namespace === undefined
        ? `kubectl volsync-perms explain -A${flags}`
        : `kubectl volsync-perms explain ns/${namespace}${flags}`;
    },
  };
}
