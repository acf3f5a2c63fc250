import type { KubeObject } from '../k8s/object.js';
import { resolveReport } from '../report/resolve-report.js';
import type { Subject } from '../report/types.js';
import { grantsScc } from '../findings/stale-grants.js';
import { indexSnapshot, type SnapshotIndex } from '../snapshot-index.js';
import type { Snapshot } from '../snapshot.js';
import { planNamespacePatch, type NamespacePatch } from './namespace-patch.js';
import { volsyncServiceAccount } from '../volsync/build-mover-pod.js';
import { parseMoverSpec, type MoverSpec } from '../volsync/mover-spec.js';
import { privilegedMoversKey } from '../volsync/privileged.js';
import {
  ownPolicyObjects,
  type PolicyApi,
  type ScopePolicyKind,
} from '../admission/scope-policy.js';
import { predictMoverPods, type PredictedPod } from '../report/predicted-pods.js';
import type { PolicyApis } from '../snapshot.js';
import { planPolicyChanges, type PolicyChanges, type PolicyObjectRef } from './annotate-policy.js';
import { scopedToKey } from './annotation-keys.js';
import { PlanRefused } from './plan-refused.js';

export interface MoverRef {
  kind: 'ReplicationSource' | 'ReplicationDestination';
  name: string;
}

export interface AnnotateRequest {
  namespace: string;
  privileged: boolean;
  /** --scoped: the movers the privilege is meant for; empty when not scoped. */
  scoped: MoverRef[];
  /** --deny-others: without MutatingAdmissionPolicy, reject the others' privileged pods. */
  denyOthers: boolean;
  /** The admission policy APIs the target cluster serves; undefined when not known. */
  policyApis: PolicyApis | undefined;
}

/** The part of an identity a privilege change moves, of a subject's first container. */
export interface IdentityView {
  uid: number | null;
  gid: number | null;
  groups: number[] | null;
  capabilities: string[] | null;
  /** The strictest Pod Security level that admits the pod, or null when unknown. */
  podSecurity: 'restricted' | 'baseline' | 'privileged' | null;
}

export interface MoverChange {
  kind: string;
  name: string;
  mover: string | null;
  before: IdentityView;
  after: IdentityView;
  /** The fields that differ: uid, gid, groups, capabilities, podSecurity. */
  changed: (keyof IdentityView)[];
  /** Listed in --scoped. */
  named: boolean;
  /** What the scope's admission policy does to this mover's pods, when there is one. */
  policy?: 'demoted' | 'rejected';
}

export interface RoleEffect {
  role: string;
  effect: 'gains the SCC use rule' | 'keeps a stale SCC use rule';
}

/**
 * How the privilege reaches the movers: the namespace annotation for all of them; the annotation
 * plus an admission policy that demotes (or rejects) the privileged pods of every mover not listed,
 * those of today and those added later; the annotation with only its scope recorded, where every
 * mover of the namespace is listed and the cluster serves no admission policy API (a mover added
 * later is root, and only explain says so); or nothing, because the cluster cannot honour the
 * scope (the refusal says what can).
 */
export type Mechanism =
  | { kind: 'namespace'; why: string }
  | { kind: 'namespace-scoped'; scopedTo: string; why: string }
  | {
      kind: 'admission-policy';
      policy: ScopePolicyKind;
      api: PolicyApi;
      scopedTo: string;
      why: string;
    }
  | { kind: 'refused'; why: string; steps: string[] };

export interface AnnotatePlan {
  namespace: string;
  mechanism: Mechanism;
  movers: MoverChange[];
  roles: RoleEffect[];
  /** Roles holding a stale SCC rule that --prune-stale-grants deletes (VolSync recreates them). */
  staleRoles: string[];
  /** The annotations to set (null: remove); empty when the Namespace already says it. */
  annotations: Record<string, string | null>;
  /**
   * What --apply writes and -o yaml prints, in that order: the policy objects, then the Namespace
   * with those annotations; empty when everything already says so.
   */
  objects: Record<string, unknown>[];
  /** Our policy objects the namespace no longer needs, deleted after the write. */
  deletes: PolicyObjectRef[];
  /**
   * For a Namespace a repository renders (--flux): the annotations as a patch in its
   * kustomization, instead of a Namespace in `objects`.
   */
  namespacePatch?: NamespacePatch;
  /**
   * A privileged pod the new policy must demote (or reject): another mover's, or, where every
   * mover is listed, that of a mover added later (never created). --apply waits until the
   * server's dry run of it shows the policy active before it annotates the Namespace.
   */
  probe?: PredictedPod & { expect: ScopePolicyKind };
  /** Movers that change without being named: --apply needs --scoped or --all-movers. */
  unnamedChanges: string[];
}

const view = (s: Subject | undefined): IdentityView => {
  const c = s?.containers[0];
  const id = c?.identity;
  const ps = s?.podSecurity;
  return {
    uid: id?.uid ?? null,
    gid: id?.gid ?? null,
    groups: id?.supplementalGroups ?? null,
    capabilities: id?.capabilities ?? null,
    podSecurity:
      ps?.restricted === true
        ? 'restricted'
        : ps?.baseline === true
          ? 'baseline'
          : ps?.baseline === false
            ? 'privileged'
            : null,
  };
};

const fields: (keyof IdentityView)[] = ['uid', 'gid', 'groups', 'capabilities', 'podSecurity'];

/** The snapshot as it would be with the Namespace's annotations and policy objects changed. */
function applied(
  snapshot: Snapshot,
  ns: KubeObject,
  annotations: Record<string, string | null>,
  policies: PolicyChanges,
): Snapshot {
  const next = { ...(ns.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(annotations)) {
    if (v === null) Reflect.deleteProperty(next, k);
    else next[k] = v;
  }
  const changed: KubeObject = { ...ns, metadata: { ...ns.metadata, annotations: next } };
  const own = new Set(ownPolicyObjects(snapshot.objects, ns.metadata.name));
  return {
    ...snapshot,
    objects: [
      ...snapshot.objects.filter((o) => !own.has(o)).map((o) => (o === ns ? changed : o)),
      ...policies.after,
    ],
  };
}

const refOf = (s: { kind: string; name: string }) => `${s.kind}/${s.name}`;
/** `ReplicationSource/a` as --scoped takes it: `rs/a`. */
const shortRef = (ref: string) =>
  ref.replace(/^ReplicationSource\//, 'rs/').replace(/^ReplicationDestination\//, 'rd/');

/**
 * Plans `annotate ns/NAME --privileged[=false] [--scoped ...]`: every mover of the namespace now
 * and after, the per-mover Roles VolSync will grant the SCC to (or leave stale), and the
 * annotations to write. Resolution is the same core explain uses, run twice.
 */
export function planAnnotate(snapshot: Snapshot, r: AnnotateRequest): AnnotatePlan {
  const index = indexSnapshot(snapshot);
  const ns = index.get('Namespace', '', r.namespace);
  if (!ns)
    throw new PlanRefused(
      'input',
      `Namespace ${r.namespace}: not in the input; pass its manifest (-f) or read the cluster`,
    );
  const before = resolveReport(snapshot, { all: false, namespace: r.namespace });
  const movers = before.subjects.filter(
    (s) => s.kind === 'ReplicationSource' || s.kind === 'ReplicationDestination',
  );
  const listed = new Set(r.scoped.map(refOf));
  const missing = r.scoped.filter((m) => !movers.some((s) => refOf(s) === refOf(m)));
  if (missing.length > 0)
    throw new PlanRefused(
      'input',
      `--scoped ${missing.map(refOf).join(', ')}: not a mover of namespace ${r.namespace}; list ReplicationSources (rs/NAME) and ReplicationDestinations (rd/NAME) of that namespace`,
    );
  const others = movers.filter((s) => !listed.has(refOf(s)) && !alwaysPrivileged(s));
  const ownPolicies = ownPolicyObjects(snapshot.objects, r.namespace);
  // the namespace's deny policy already rejects the others: re-running the grant keeps it
  const denying = ownPolicies.some((o) => o.kind === 'ValidatingAdmissionPolicy');
  const mechanism = chooseMechanism(r, others, listed, denying);
  const listedMovers = movers.filter((s) => listed.has(refOf(s)));
  const desired = desiredAnnotations(r, mechanism);
  const current = ns.metadata.annotations ?? {};
  const annotations = Object.fromEntries(
    Object.entries(desired).filter(([k, v]) => (current[k] ?? null) !== v),
  );
  const policies =
    mechanism.kind === 'refused'
      ? { write: [], deletes: [], after: ownPolicies }
      : planPolicyChanges(
          snapshot.objects,
          r.namespace,
          mechanism.kind === 'admission-policy'
            ? {
                kind: mechanism.policy,
                api: mechanism.api,
                scopedTo: mechanism.scopedTo,
                listed: listedMovers.map((s) => moverSpecOf(index, s)),
              }
            : null,
        );
  const afterSnapshot =
    mechanism.kind === 'refused' ? snapshot : applied(snapshot, ns, annotations, policies);
  const scope = { all: false, namespace: r.namespace } as const;
  const after = mechanism.kind === 'refused' ? before : resolveReport(afterSnapshot, scope);
  const policyFor = new Set(mechanism.kind === 'admission-policy' ? others.map(refOf) : []);
  const changes = movers.map((s): MoverChange => {
    const a = after.subjects.find((x) => x.kind === s.kind && x.name === s.name);
    const b = view(s);
    const v = view(a);
    const c: MoverChange = {
      kind: s.kind,
      name: s.name,
      mover: s.mover,
      before: b,
      after: v,
      changed: fields.filter((f) => JSON.stringify(b[f]) !== JSON.stringify(v[f])),
      named: listed.has(refOf(s)),
    };
    if (mechanism.kind === 'admission-policy' && policyFor.has(refOf(s)))
      c.policy = mechanism.policy === 'demote' ? 'demoted' : 'rejected';
    return c;
  });
  const { roles, staleRoles } = roleEffects(index, r, before.subjects, after.subjects);
  const namespacePatch =
    Object.keys(annotations).length === 0
      ? undefined
      : planNamespacePatch(index.get('Namespace', r.namespace, r.namespace), annotations);
  const plan: AnnotatePlan = {
    namespace: r.namespace,
    mechanism,
    movers: changes,
    roles,
    staleRoles,
    annotations,
    objects: [
      ...(policies.write as unknown as Record<string, unknown>[]),
      ...(Object.keys(annotations).length === 0 || namespacePatch
        ? []
        : [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: r.namespace, annotations } }]),
    ],
    deletes: policies.deletes,
    unnamedChanges: changes.filter((c) => c.changed.length > 0 && !c.named).map(refOf),
  };
  const probe = policyProbe(
    afterSnapshot,
    r.namespace,
    mechanism,
    policies,
    new Set(others.map(refOf)),
  );
  if (probe) plan.probe = probe;
  if (namespacePatch) plan.namespacePatch = namespacePatch;
  return plan;
}

/**
 * Legacy rsync runs as root with or without the annotation (volsync-semantics §3) and its pod
 * carries no PRIVILEGED_MOVER, so no policy of ours can or needs to demote it.
 */
const alwaysPrivileged = (s: Subject) => s.mover === 'rsync';

/** The mover spec behind a subject of the report (which resolved it, so it parses). */
function moverSpecOf(index: SnapshotIndex, s: Subject): MoverSpec {
  const parsed = parseMoverSpec(index.get(s.kind, s.namespace, s.name) as KubeObject);
  if (parsed.kind !== 'mover')
    throw new Error(`${s.kind}/${s.name}: a subject without a mover pod`);
  return parsed.spec;
}

/**
 * The first demoted (or rejected) mover's privileged pod when the plan writes a policy; where
 * every mover is listed, that of a restic mover added later, which the policy must catch too.
 */
function policyProbe(
  after: Snapshot,
  namespace: string,
  m: Mechanism,
  policies: PolicyChanges,
  others: Set<string>,
): AnnotatePlan['probe'] {
  if (m.kind !== 'admission-policy' || policies.write.length === 0) return undefined;
  const taken = new Set(after.objects.map((o) => o.metadata.name));
  let name = 'volsync-perms-probe';
  for (let i = 2; taken.has(name); i++) name = `volsync-perms-probe-${i}`;
  const later: KubeObject = {
    apiVersion: 'volsync.backube/v1alpha1',
    kind: 'ReplicationSource',
    metadata: { name, namespace },
    spec: { sourcePVC: name, restic: { repository: name } },
  };
  const pods = predictMoverPods(
    { ...after, objects: [...after.objects, later] },
    { all: false, namespace },
  );
  // subjects are Kind/namespace/name; the scope lists Kind/name
  const pod =
    pods.find((p) => others.has(p.subject.replace(`/${namespace}/`, '/'))) ??
    pods.find((p) => p.subject === `ReplicationSource/${namespace}/${name}`);
  return pod && { ...pod, expect: m.policy };
}

/**
 * The best way the cluster offers to give the privilege to the listed movers only (README,
 * "annotate"). `others` are the movers the annotation would change unasked. Every scope but the
 * last resort fails closed: the policy catches any mover not listed, including one added later.
 */
function chooseMechanism(
  r: AnnotateRequest,
  others: Subject[],
  listed: Set<string>,
  denying: boolean,
): Mechanism {
  if (!r.privileged || r.scoped.length === 0)
    return {
      kind: 'namespace',
      why: r.privileged
        ? `the annotation applies to every mover of namespace ${r.namespace}`
        : `removing the annotation makes every mover of namespace ${r.namespace} unprivileged`,
    };
  const names = [...listed].sort();
  const scopedTo = names.join(',');
  const otherRefs = others.map(refOf).join(', ');
  const alone = others.length === 0;
  const holds = alone
    ? `namespace ${r.namespace} holds only the listed movers`
    : `it also holds ${otherRefs}`;
  const apis = r.policyApis;
  if (apis?.mutating)
    return {
      kind: 'admission-policy',
      policy: 'demote',
      api: apis.mutating,
      scopedTo,
      why: `${holds}: the annotation, plus a MutatingAdmissionPolicy (${apis.mutating}) that gives ${alone ? 'the privileged pod of any mover added later back the identity it has' : 'their privileged pods, and those of any mover added later, back the identity they have'} without it`,
    };
  if (apis?.validating && (r.denyOthers || alone || denying))
    return {
      kind: 'admission-policy',
      policy: 'deny',
      api: apis.validating,
      scopedTo,
      why: `${holds} and the cluster serves no MutatingAdmissionPolicy: the annotation, plus a ValidatingAdmissionPolicy (${apis.validating}) that rejects ${alone ? 'the privileged pod of any mover added later (its backups fail instead of running as root)' : `their privileged pods and those of any mover added later (${r.denyOthers ? '--deny-others' : 'as since the grant'}: their backups fail instead of running as root)`}`,
    };
  if (alone && apis === undefined)
    throw new PlanRefused(
      'usage',
      `Namespace ${r.namespace}: --scoped on -f/-k/--demo needs to know which admission policies the target cluster serves, or a mover added to the namespace later would run as root; pass --policy-api v1|v1beta1 (MutatingAdmissionPolicy: it is demoted) or none (ValidatingAdmissionPolicy only: it is rejected)`,
    );
  if (alone)
    return {
      kind: 'namespace-scoped',
      scopedTo,
      why: `${holds}, but the cluster serves no admission policy API (ValidatingAdmissionPolicy needs Kubernetes >= 1.30): a mover added later gets UID 0 and nothing stops it; ${scopedToKey} records the scope so explain reports it (VP018)`,
    };
  const missing =
    apis === undefined
      ? 'whether the target cluster serves MutatingAdmissionPolicy is not known offline (pass --policy-api v1|v1beta1 if it does)'
      : r.denyOthers
        ? 'the cluster serves neither MutatingAdmissionPolicy nor ValidatingAdmissionPolicy'
        : `the cluster serves no MutatingAdmissionPolicy (Kubernetes >= 1.36, or 1.34-1.35 with its feature gate)${apis.validating ? '; --deny-others would reject their privileged pods instead' : ''}`;
  const target = `${r.namespace}-privileged`;
  return {
    kind: 'refused',
    why: `it also holds ${otherRefs}: VolSync's switch is per namespace, so the annotation would make them privileged too, and ${missing}`,
    steps: [
      `kubectl create namespace ${target}`,
      `move ${names.join(', ')} and the PVCs and Secrets they use to namespace ${target} (a PVC cannot move: restore it there from the repository with a ReplicationDestination, or re-bind its PersistentVolume)`,
      // annotate again rather than by hand: the scope then also catches movers added later
      `kubectl volsync-perms annotate ns/${target} --privileged --scoped ${names.map(shortRef).join(',')} --apply`,
      `run kubectl volsync-perms explain ns/${target} and ns/${r.namespace} to check both`,
    ],
  };
}

function desiredAnnotations(r: AnnotateRequest, m: Mechanism): Record<string, string | null> {
  if (m.kind === 'refused') return {};
  if (!r.privileged) return { [privilegedMoversKey]: null, [scopedToKey]: null };
  return {
    [privilegedMoversKey]: 'true',
    [scopedToKey]: m.kind === 'namespace' ? null : m.scopedTo,
  };
}

/**
 * VolSync sets the SCC `use` rule on a mover's Role while it is privileged and never removes it
 * (volsync-semantics §4.1): a mover that becomes privileged gains it; one that stops being
 * privileged keeps it, stale. Only a Role read from the cluster with the rule can be pruned.
 */
function roleEffects(
  index: SnapshotIndex,
  r: AnnotateRequest,
  before: Subject[],
  after: Subject[],
): { roles: RoleEffect[]; staleRoles: string[] } {
  const roles: RoleEffect[] = [];
  const staleRoles: string[] = [];
  for (const s of after) {
    if (s.kind !== 'ReplicationSource' && s.kind !== 'ReplicationDestination') continue;
    if (s.mover === 'rsync') continue; // always privileged, its Role always has the rule
    const obj = index.get(s.kind, r.namespace, s.name);
    const parsed = obj && parseMoverSpec(obj);
    // a user-supplied ServiceAccount gets no Role
    if (parsed?.kind === 'mover' && parsed.spec.moverServiceAccount !== undefined) continue;
    const was = before.find((b) => b.kind === s.kind && b.name === s.name)?.privileged;
    const name = volsyncServiceAccount(s.kind, s.name);
    const role = index.get('Role', r.namespace, name);
    const ref = `Role/${r.namespace}/${name}`;
    if (s.privileged === true && was !== true)
      roles.push({ role: ref, effect: 'gains the SCC use rule' });
    const stale = role !== undefined && grantsScc(role);
    if (s.privileged === false && (stale || (role === undefined && was === true))) {
      roles.push({ role: ref, effect: 'keeps a stale SCC use rule' });
      if (stale) staleRoles.push(name);
    }
  }
  return { roles, staleRoles };
}

/** How one mover came out of the server-side dry run after the change. */
export type MoverVerification = { kind: string; name: string } & (
  | { outcome: 'not-asked' }
  | { outcome: 'rejected' | 'rejected-as-planned'; message: string }
  | { outcome: 'as-planned' | 'unchanged' | 'differs'; actual: IdentityView; planned: IdentityView }
);

/**
 * Compares each mover of the plan with what the API server admitted for its predicted pod
 * (`snapshot.serverDryRun`, read after the change): the identity of the admitted pod, a rejection,
 * or nothing when the server was not asked (RBAC).
 */
export function verifyAnnotatePlan(plan: AnnotatePlan, snapshot: Snapshot): MoverVerification[] {
  const report = resolveReport(snapshot, { all: false, namespace: plan.namespace });
  return plan.movers.map((m): MoverVerification => {
    const dry = snapshot.serverDryRun?.[`${m.kind}/${plan.namespace}/${m.name}`];
    if (dry === undefined) return { kind: m.kind, name: m.name, outcome: 'not-asked' };
    if (!dry.admitted)
      return {
        kind: m.kind,
        name: m.name,
        outcome: m.policy === 'rejected' ? 'rejected-as-planned' : 'rejected',
        message: dry.message,
      };
    const actual = view(report.subjects.find((x) => x.kind === m.kind && x.name === m.name));
    const same = (['uid', 'gid', 'capabilities'] as const).every(
      (f) => JSON.stringify(actual[f]) === JSON.stringify(m.after[f]),
    );
    const outcome = !same ? 'differs' : m.changed.length > 0 ? 'as-planned' : 'unchanged';
    return { kind: m.kind, name: m.name, outcome, actual, planned: m.after };
  });
}
