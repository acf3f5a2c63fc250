import { planAnnotate } from '../core/plans/annotate.js';
import { planFix } from '../core/plans/fix-plan.js';
import { withMoverRunAsUser, withPrivilegedMovers } from '../core/plans/what-if.js';
import {
  resolveReport,
  resolveSubjectReport,
  type SubjectRef,
} from '../core/report/resolve-report.js';
import { resolveSubjectAudits, type SubjectAudit } from '../core/report/subject-audits.js';
import type { Report, Subject } from '../core/report/types.js';
import type { Snapshot } from '../core/snapshot.js';
import { namespaceFactsOf } from '../core/report/subjects.js';
import { resolvePrivileged } from '../core/volsync/privileged.js';
import { renderAnnotatePreview } from '../render/annotate-preview.js';
import { subjectName } from '../render/cells.js';
import { makePaint } from '../render/color.js';
import { renderManifestYaml } from '../render/json.js';
import type { WhatIf } from './state.js';

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
  /** The audits recorded for the storage the subject mounts, with what it can do there. */
  audits(ref: SubjectRef): SubjectAudit[];
  fixJobYaml(ref: SubjectRef): string;
  annotatePreview(ref: SubjectRef): string;
  /** The CLI command that prints the same view. */
  command(ref: SubjectRef | undefined, namespace: string | undefined): string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function tuiData(snapshot: Snapshot, source: string, sourceFlags: string[]): TuiData {
  const report = resolveReport(snapshot, { all: true });
  const namespaces = namespaceFactsOf(snapshot);
  const annotated = (name: string) => resolvePrivileged('kopia', namespaces.get(name), name).value;
  const flipped = new Map<string, Report>();
  const audits = new Map<string, SubjectAudit[]>();
  const flags = sourceFlags.length > 0 ? ` ${sourceFlags.join(' ')}` : '';
  return {
    source,
    report,
    namespace: (name) => ({
      privileged: annotated(name),
      podSecurity: namespaces.get(name)?.labels['pod-security.kubernetes.io/enforce'] ?? '-',
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
    audits(ref) {
      const k = `${ref.kind}/${ref.namespace}/${ref.name}`;
      let a = audits.get(k);
      if (!a) audits.set(k, (a = resolveSubjectAudits(snapshot, ref)));
      return a;
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
        return `# kubectl volsync-perms fix-job ${subjectName(ref)} -n ${ref.namespace}${flags} -o yaml\n${renderManifestYaml(plan.job)}`;
      } catch (e) {
        return `fix-job ${subjectName(ref)}: ${message(e)}`;
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
        return `# kubectl volsync-perms annotate ns/${ref.namespace} --privileged --scoped ${subjectName(ref)}${flags}\n${renderAnnotatePreview(plan, makePaint(false))}`;
      } catch (e) {
        return `annotate ns/${ref.namespace} --scoped ${subjectName(ref)}: ${message(e)}`;
      }
    },
    command(ref, namespace) {
      if (ref)
        return `kubectl volsync-perms effective-uid ${subjectName(ref)} -n ${ref.namespace}${flags}`;
      return namespace === undefined
        ? `kubectl volsync-perms explain -A${flags}`
        : `kubectl volsync-perms explain ns/${namespace}${flags}`;
    },
  };
}
