import type { Json } from '../../src/core/k8s/json.js';
import type { KubeObject } from '../../src/core/k8s/object.js';
import { findVersion } from '../../src/core/volsync/versions/index.js';
import { renderVolsyncSubject } from '../../src/core/volsync/render-workloads.js';
import { projectRbac, projectWorkload } from '../../src/core/volsync/workload-projection.js';
import type { OracleCase } from './cases.js';
import { oracleImages } from './images.js';
import type { CaseRecord } from './harness/read-back.js';

const order = ['CronJob', 'Deployment', 'Job', 'ServiceAccount', 'Role', 'RoleBinding'];
const byKindName = (a: Json, b: Json) => {
  const k = order.indexOf(String(a['kind'])) - order.indexOf(String(b['kind']));
  const name = (o: Json) => String((o['metadata'] as Json)['name']);
  return k !== 0 ? k : name(a).localeCompare(name(b));
};

/** What the tool predicts the controller of `versionId` creates for a case. */
export function predictCase(c: OracleCase, versionId: string): Json[] {
  const version = findVersion(versionId);
  if (!version) throw new Error(`no model of VolSync ${versionId}`);
  const ns = c.namespace.metadata;
  const rendered = renderVolsyncSubject(
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

/** JSON with sorted keys: two projections are equal when their canonical texts are. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Json).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}
