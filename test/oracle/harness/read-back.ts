import { textOrder } from '../../../src/core/text-order.js';
import { adminRequest, applyObject, type ApiServer } from '../../integration/harness/kube-api.js';
import type { CaseObject, OracleCase } from '../cases.js';

/** What the real controller created for one case, with the noise of a live object removed. */
export interface CaseRecord {
  case: string;
  subject: { kind: string; name: string };
  /** Job, Deployment and CronJob, sorted by kind and name. */
  workloads: Record<string, unknown>[];
  serviceAccounts: Record<string, unknown>[];
  roles: Record<string, unknown>[];
  roleBindings: Record<string, unknown>[];
  /** The subject's status conditions (type, status, reason): why nothing was created, if so. */
  conditions: { type: string; status: string; reason: string }[];
}

type Json = Record<string, unknown>;

async function list(cp: ApiServer, path: string): Promise<Json[]> {
  const r = await adminRequest(cp, 'GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
  return (JSON.parse(r.body) as { items: Json[] }).items;
}

const meta = (o: Json) => o['metadata'] as Json;
const nsOf = (o: Json) => meta(o)['namespace'] as string;
const nameOf = (o: Json) => meta(o)['name'] as string;

/**
 * Creates every case: its Namespace, then what the subject needs, then the subject, so the
 * controller's first reconcile finds its Secrets and PVCs (a missing one backs off for minutes).
 */
export async function createCases(cp: ApiServer, cases: OracleCase[]): Promise<void> {
  for (const c of cases) {
    await applyObject(cp, c.namespace);
    const [subject, ...needs] = c.objects as [CaseObject, ...CaseObject[]];
    for (const o of needs) await applyObject(cp, o);
    await applyObject(cp, subject);
  }
}

const workloadPaths = [
  '/apis/batch/v1/jobs',
  '/apis/apps/v1/deployments',
  '/apis/batch/v1/cronjobs',
];

async function workloadNames(
  cp: ApiServer,
  namespaces: Set<string>,
): Promise<Map<string, string[]>> {
  const by = new Map<string, string[]>();
  for (const p of workloadPaths)
    for (const o of await list(cp, p)) {
      const ns = nsOf(o);
      if (!namespaces.has(ns)) continue;
      by.set(ns, [...(by.get(ns) ?? []), `${p}/${nameOf(o)}`]);
    }
  return by;
}

/**
 * Waits until every case has a workload and the set of workloads has stopped changing for
 * `quietMs` (the fork replaces a KopiaMaintenance's CronJob by its manual Job), or until
 * nothing has changed for `giveUpMs` (cases the controller builds nothing for stay empty).
 */
export async function waitSettled(
  cp: ApiServer,
  cases: OracleCase[],
  { quietMs = 6000, giveUpMs = 60_000, boundMs = 900_000 } = {},
): Promise<void> {
  const namespaces = new Set(cases.map((c) => c.namespace.metadata.name));
  const started = Date.now();
  let last = '';
  let changed = Date.now();
  for (;;) {
    const by = await workloadNames(cp, namespaces);
    const now = JSON.stringify([...by.entries()].sort());
    if (now !== last) {
      last = now;
      changed = Date.now();
    }
    const quiet = Date.now() - changed;
    if (by.size === namespaces.size && quiet >= quietMs) return;
    if (quiet >= giveUpMs || Date.now() - started > boundMs) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Owner UIDs differ per run, and a record keeps what the controller decided: of the env only
 * PRIVILEGED_MOVER (the rest, dozens of optional repository settings per mover, would make the
 * records megabytes per version and decides nothing about identity).
 */
function scrub(o: Json, uids: Map<string, string>): Json {
  const text = JSON.stringify(o, (k, v: unknown) => {
    if (k === 'env' && Array.isArray(v))
      return (v as Json[]).filter((e) => e['name'] === 'PRIVILEGED_MOVER');
    if (
      ['managedFields', 'resourceVersion', 'creationTimestamp', 'generation', 'status'].includes(k)
    )
      return undefined;
    if (k === 'uid') return undefined;
    return v;
  });
  let out = text;
  for (const [uid, name] of uids) out = out.replaceAll(uid, `<uid of ${name}>`);
  return JSON.parse(out) as Json;
}

const byKindName = (a: Json, b: Json) =>
  textOrder(`${String(a['kind'])}/${nameOf(a)}`, `${String(b['kind'])}/${nameOf(b)}`);

/** Reads back, per case, the workloads, ServiceAccounts, Roles and RoleBindings in its namespace. */
export async function readRecords(cp: ApiServer, cases: OracleCase[]): Promise<CaseRecord[]> {
  const kinds: [string, string][] = [
    ['Job', '/apis/batch/v1/jobs'],
    ['Deployment', '/apis/apps/v1/deployments'],
    ['CronJob', '/apis/batch/v1/cronjobs'],
    ['ServiceAccount', '/api/v1/serviceaccounts'],
    ['Role', '/apis/rbac.authorization.k8s.io/v1/roles'],
    ['RoleBinding', '/apis/rbac.authorization.k8s.io/v1/rolebindings'],
    ['ReplicationSource', '/apis/volsync.backube/v1alpha1/replicationsources'],
    ['ReplicationDestination', '/apis/volsync.backube/v1alpha1/replicationdestinations'],
  ];
  // a list's items carry neither apiVersion nor kind: the path says them
  const apiVersion = (p: string) => p.replace(/^\/apis?\//, '').replace(/\/[a-z]+$/, '');
  const maintenance = cases.some((c) => c.subject.kind === 'KopiaMaintenance');
  if (maintenance)
    kinds.push(['KopiaMaintenance', '/apis/volsync.backube/v1alpha1/kopiamaintenances']);
  const all = new Map<string, Json[]>();
  for (const [kind, p] of kinds)
    all.set(
      kind,
      (await list(cp, p)).map((o) => ({ apiVersion: apiVersion(p), ...o, kind })),
    );
  const uids = new Map<string, string>();
  for (const items of all.values())
    for (const o of items) {
      const uid = meta(o)['uid'];
      if (typeof uid === 'string') uids.set(uid, `${String(o['kind'])}/${nameOf(o)}`);
    }
  const inNs = (kind: string, ns: string) =>
    (all.get(kind) ?? [])
      .filter((o) => nsOf(o) === ns)
      .map((o) => scrub(o, uids))
      .sort(byKindName);
  return cases.map((c) => {
    const ns = c.namespace.metadata.name;
    const subject = (all.get(c.subject.kind) ?? []).find(
      (o) => nsOf(o) === ns && nameOf(o) === c.subject.name,
    );
    const conditions = ((subject?.['status'] as Json | undefined)?.['conditions'] ?? []) as Json[];
    return {
      case: c.id,
      subject: c.subject,
      workloads: [...inNs('CronJob', ns), ...inNs('Deployment', ns), ...inNs('Job', ns)].sort(
        byKindName,
      ),
      // the case's own ServiceAccount (moverServiceAccount) is not VolSync's
      serviceAccounts: inNs('ServiceAccount', ns).filter(
        (o) => !c.objects.some((x) => x.kind === 'ServiceAccount' && x.metadata.name === nameOf(o)),
      ),
      roles: inNs('Role', ns),
      roleBindings: inNs('RoleBinding', ns),
      conditions: conditions
        .map((x) => ({
          type: String(x['type']),
          status: String(x['status']),
          reason: String(x['reason']),
        }))
        .sort((a, b) => textOrder(a.type, b.type)),
    };
  });
}
