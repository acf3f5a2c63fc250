import { textOrder } from '../../src/core/text-order.js';
import type { Json } from '../../src/core/k8s/json.js';
export { canonical } from '../../src/core/k8s/canonical.js';
import { keepObject } from '../../src/adapters/keep-object.js';
import { defaultMoverImages, knownImages } from '../../src/core/identity/known-images.js';
import type { KubeObject } from '../../src/core/k8s/object.js';
import { resolveSubjectReport } from '../../src/core/report/resolve-report.js';
import { offlineSnapshot, type Snapshot } from '../../src/core/snapshot.js';
import { findVersion } from '../../src/core/volsync/versions/index.js';
import { resolveVolsyncWorkloads } from '../../src/core/volsync/volsync-workloads.js';
import { projectRbac, projectWorkload } from '../../src/core/volsync/workload-projection.js';
import type { OracleCase } from './cases.js';
import { oracleImages } from './images.js';
import type { CaseRecord } from './harness/read-back.js';

const order = ['CronJob', 'Deployment', 'Job', 'ServiceAccount', 'Role', 'RoleBinding'];
const byKindName = (a: Json, b: Json) => {
  const k = order.indexOf(String(a['kind'])) - order.indexOf(String(b['kind']));
  const name = (o: Json) => String((o['metadata'] as Json)['name']);
  return k !== 0 ? k : textOrder(name(a), name(b));
};

/** What the tool predicts the controller of `versionId` creates for a case. */
export function predictCase(c: OracleCase, versionId: string): Json[] {
  const version = findVersion(versionId);
  if (!version) throw new Error(`no model of VolSync ${versionId}`);
  const ns = c.namespace.metadata;
  const rendered = resolveVolsyncWorkloads(
    c.objects[0] as unknown as KubeObject,
    { name: ns.name, annotations: ns.annotations ?? {}, labels: ns.labels ?? {} },
    { ...oracleImages, 'kopia-maintenance': oracleImages.kopia },
    { version, source: 'the oracle', assumed: false },
  );
  return [...rendered.objects].sort(byKindName);
}

/** What the real controller created, in the same projection. */
export function projectRecord(r: CaseRecord): Json[] {
  return [
    ...r.workloads.map(projectWorkload),
    ...r.serviceAccounts.map(projectRbac),
    ...r.roles.map(projectRbac),
    ...r.roleBindings.map(projectRbac),
  ].sort(byKindName);
}

/** One workload the controller created, explained as `effective-uid KIND/NAME` explains it. */
export interface RealWorkloadCheck {
  ref: string;
  /** The subject and container `effective-uid` reports for the real workload. */
  explained: { subject: string; identity: unknown } | undefined;
  /** The identity `explain` predicts for the same container without the workload. */
  predicted: unknown;
  /** The finding codes raised on the subject with the workload present. */
  codes: string[];
}

/**
 * Each workload of a record explained as `effective-uid job/...` would on a cluster holding it:
 * the snapshot is the case's objects plus what the controller created, with the oracle's images
 * and version.
 */
export function explainRealWorkloads(
  c: OracleCase,
  r: CaseRecord,
  versionId: string,
): RealWorkloadCheck[] {
  const version = findVersion(versionId);
  if (!version) throw new Error(`no model of VolSync ${versionId}`);
  const keep = (o: unknown) => keepObject(o as Json, undefined);
  const base = [c.namespace, ...c.objects].flatMap((o) => keep(o) ?? []);
  const real = r.workloads.flatMap((o) => keep(o) ?? []);
  const snapshot = (objects: KubeObject[]): Snapshot => ({
    ...offlineSnapshot(objects, [], knownImages, defaultMoverImages),
    moverImages: {
      images: { ...oracleImages, 'kopia-maintenance': oracleImages.kopia },
      source: 'the oracle',
    },
    volsyncVersion: { version, source: 'the oracle', assumed: false },
  });
  const subjectRef = {
    kind: c.subject.kind,
    namespace: c.namespace.metadata.name,
    name: c.subject.name,
  };
  const alone = resolveSubjectReport(snapshot(base), subjectRef);
  const withReal = snapshot([...base, ...real]);
  const codes =
    resolveSubjectReport(withReal, subjectRef)?.subjects[0]?.findings.map((f) => f.code) ?? [];
  // the v0.16.1 source maintenance CronJob has no owner (one per repository), so it is resolved
  // from its own spec as any workload is; the owned ones are VolSync's layers
  return real
    .filter((w) => w.metadata.controlledBy !== undefined)
    .map((w) => {
      const ref = `${w.kind}/${w.metadata.name}`;
      const s = resolveSubjectReport(withReal, {
        kind: w.kind,
        namespace: subjectRef.namespace,
        name: w.metadata.name,
      })?.subjects[0];
      return {
        ref,
        explained: s && { subject: `${s.kind}/${s.name}`, identity: s.containers[0]?.identity },
        predicted: alone?.subjects[0]?.containers.find((x) => x.workload === ref)?.identity,
        codes,
      };
    });
}
