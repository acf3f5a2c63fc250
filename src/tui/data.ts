import { migrateSnapshot } from '../core/kopiur/migrate/migrate-snapshot.js';
import {
  migrationChanges,
  type MigrationChange,
} from '../core/kopiur/migrate/migration-changes.js';
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
  /** With the migrate-kopiur what-if: what migrate makes of the mover, and what that changes. */
  migration(ref: SubjectRef, whatIf: WhatIf): MigrationView | undefined;
  /** The audits recorded for the storage the subject mounts, with what it can do there. */
  audits(ref: SubjectRef): SubjectAudit[];
  fixJobYaml(ref: SubjectRef): string;
  annotatePreview(ref: SubjectRef): string;
  /** The CLI command that prints the same view. */
  command(ref: SubjectRef | undefined, namespace: string | undefined): string;
}

export interface MigrationView {
  outcome: 'translated' | 'refused' | 'retired' | 'none';
  /** The kopiur object shown instead, `Kind/name`. */
  to?: string;
  reason?: string;
  changes: MigrationChange[];
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The snapshot with the detail view's annotation and runAsUser hypotheses applied. */
function hypothesis(snapshot: Snapshot, ref: SubjectRef, whatIf: WhatIf): Snapshot {
  let s = snapshot;
  if (whatIf.privileged !== undefined)
    s = withPrivilegedMovers(s, ref.namespace, whatIf.privileged);
  if (whatIf.runAsUser !== undefined) s = withMoverRunAsUser(s, ref, whatIf.runAsUser);
  return s;
}

/** The namespace migrated as `kubectl kopiur migrate volsync -n NS` would, and the mover's fate. */
function migrated(s: Snapshot, ref: SubjectRef) {
  const m = migrateSnapshot(s, { all: false, namespace: ref.namespace });
  const mine = m.migrations.find((x) => x.from.kind === ref.kind && x.from.name === ref.name);
  return mine && { ...mine, snapshot: m.snapshot };
}

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
      const s = hypothesis(snapshot, ref, whatIf);
      if (!whatIf.migrateKopiur) return resolveSubjectReport(s, ref)?.subjects[0];
      const m = migrated(s, ref);
      const shown = m?.to && m.outcome !== 'refused' ? m.to : ref;
      return resolveSubjectReport(m ? m.snapshot : s, shown)?.subjects[0];
    },
    migration(ref, whatIf) {
      if (!whatIf.migrateKopiur) return undefined;
      const s = hypothesis(snapshot, ref, whatIf);
      const m = migrated(s, ref);
      if (!m) return { outcome: 'none', changes: [] };
      const today = resolveSubjectReport(s, ref)?.subjects[0];
      const after = m.to && resolveSubjectReport(m.snapshot, m.to)?.subjects[0];
      return {
        outcome: m.outcome,
        ...(m.to && { to: `${m.to.kind}/${m.to.name}` }),
        ...(m.reason !== undefined && { reason: m.reason }),
        changes: migrationChanges(m, today, after),
      };
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
