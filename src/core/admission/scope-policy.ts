import { path } from '../k8s/json.js';
import { parseLabelSelector, selects } from '../k8s/label-selector.js';
import type { KubeObject } from '../k8s/object.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import type { Container, PodSpec } from '../k8s/types.js';
import type { ServerDryRun } from '../snapshot.js';
import { moverWorkloadName, syncthingNameLabel } from '../volsync/build-mover-pod.js';
import { sha256Hex } from '../volsync/hash.js';
import type { MoverSpec } from '../volsync/mover-spec.js';
import { moverRules } from '../volsync/movers.js';

/**
 * The admission policies `annotate --scoped` writes when other movers share the namespace, and
 * what they do to a pod, in one place: the CEL the API server runs and the model explain runs are
 * the same rules written twice, and the integration tests hold one against the other.
 */

export type PolicyApi = 'v1' | 'v1beta1';
export type ScopePolicyKind = 'demote' | 'deny';

export const managedBy = { 'app.kubernetes.io/managed-by': 'kubectl-volsync-perms' } as const;
/** Which of our two policies an object is; explain models only policies carrying it. */
export const policyKindLabel = 'volsync-perms.io/policy';
/**
 * The digest of the spec we wrote: the server adds defaults to a stored spec, so comparing specs
 * would never find ours unchanged; comparing this annotation does.
 */
export const specHashKey = 'volsync-perms.io/spec-hash';
/** The namespace a policy object serves, so that a scope change finds every object of it. */
const namespaceLabel = 'volsync-perms.io/scope-namespace';
const kindValue: Record<ScopePolicyKind, string> = {
  demote: 'demote-unlisted-movers',
  deny: 'deny-unlisted-movers',
};

export const policyNames: Record<ScopePolicyKind, (ns: string) => string> = {
  demote: (ns) => `volsync-perms-scope-${ns}`,
  deny: (ns) => `volsync-perms-deny-${ns}`,
};

const group = 'admissionregistration.k8s.io';
const kinds: Record<ScopePolicyKind, { policy: string; binding: string }> = {
  demote: { policy: 'MutatingAdmissionPolicy', binding: 'MutatingAdmissionPolicyBinding' },
  deny: { policy: 'ValidatingAdmissionPolicy', binding: 'ValidatingAdmissionPolicyBinding' },
};
export const policyObjectKinds: ReadonlySet<string> = new Set(
  Object.values(kinds).flatMap((k) => [k.policy, k.binding]),
);

/** The pods VolSync built privileged: container 0 carries `PRIVILEGED_MOVER=1` (§0 rule 4). */
const privilegedPodCel =
  'object.spec.containers.exists(c, has(c.env) && c.env.exists(e, e.name == "PRIVILEGED_MOVER" && has(e.value) && e.value == "1"))';

/**
 * Undoes VolSync's privileged override (volsync-semantics §0 rule 4): the pod gets back the
 * container securityContext VolSync builds without the annotation. A JSON patch `remove` of a
 * missing path fails the request, hence every guard.
 */
const demoteCel = [
  'object.spec.containers.transformList(i, c, has(c.securityContext) && has(c.securityContext.runAsUser),',
  '  JSONPatch{op: "remove", path: "/spec/containers/" + string(i) + "/securityContext/runAsUser"})',
  '+ object.spec.containers.transformList(i, c, has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add),',
  '  JSONPatch{op: "remove", path: "/spec/containers/" + string(i) + "/securityContext/capabilities/add"})',
  '+ object.spec.containers.transformList(i, c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) && !c.securityContext.runAsNonRoot,',
  '  JSONPatch{op: "remove", path: "/spec/containers/" + string(i) + "/securityContext/runAsNonRoot"})',
  '+ object.spec.containers.transformList(i, c, has(c.env), c.env.transformList(j, e, e.name == "PRIVILEGED_MOVER",',
  '  JSONPatch{op: "replace", path: "/spec/containers/" + string(i) + "/env/" + string(j), value: Object.spec.containers.env{name: "PRIVILEGED_MOVER", value: "0"}})).flatten()',
].join('\n');

/**
 * The mover pods a policy leaves alone, by labels nothing but their own workload can give them:
 * the listed movers' Job pods by Job name (the API server rejects a Job whose pod template names
 * another Job), the listed syncthing movers' pods by the name their Deployment selects
 * (volsync-semantics §6.1).
 */
export interface ListedPods {
  jobs: string[];
  syncthing: string[];
}

/** Where VolSync runs each listed mover's pod: its Job, or syncthing's Deployment (volsync-semantics §6.1). */
export function listedPods(movers: MoverSpec[]): ListedPods {
  const listed: ListedPods = { jobs: [], syncthing: [] };
  for (const m of movers)
    if (moverRules[m.mover].workload === 'Deployment')
      listed.syncthing.push(syncthingNameLabel(m.name));
    else listed.jobs.push(moverWorkloadName(m));
  return listed;
}

export interface ScopePolicyRequest {
  kind: ScopePolicyKind;
  api: PolicyApi;
  namespace: string;
  /** What the privilege is granted to, for the rejection message (`Kind/name,...`). */
  scopedTo: string;
  /** The pods of the movers the privilege is granted to: every other pod is demoted or denied. */
  listed: ListedPods;
}

/** `ReplicationSource/a,ReplicationDestination/b` as --scoped takes it: `rs/a,rd/b`. */
const scopedFlag = (scopedTo: string) =>
  scopedTo.replaceAll('ReplicationSource/', 'rs/').replaceAll('ReplicationDestination/', 'rd/');

const podRules = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
];

/**
 * The policy and its bindings, ready to apply. The bindings select by exclusion: together they
 * select every pod of the namespace except the listed movers', so a mover added after the grant is
 * demoted (or rejected) without anyone running annotate again; the policy's match condition then
 * keeps only the pods VolSync built privileged.
 */
export function scopePolicyObjects(r: ScopePolicyRequest): KubeObject[] {
  const name = policyNames[r.kind](r.namespace);
  const apiVersion = `${group}/${r.api}`;
  const labels = {
    ...managedBy,
    [policyKindLabel]: kindValue[r.kind],
    [namespaceLabel]: r.namespace,
  };
  const common = {
    failurePolicy: 'Fail',
    matchConstraints: { resourceRules: podRules },
    matchConditions: [{ name: 'privileged-mover', expression: privilegedPodCel }],
  };
  const spec =
    r.kind === 'demote'
      ? {
          ...common,
          reinvocationPolicy: 'Never',
          mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: demoteCel } }],
        }
      : {
          ...common,
          validations: [
            {
              expression: 'false',
              message: `volsync-perms: privileged movers of namespace ${r.namespace} are granted only to ${r.scopedTo}; this mover pod would run as UID 0. Give it its own namespace, or add it to the scope: kubectl volsync-perms annotate ns/${r.namespace} --privileged --scoped ${scopedFlag(r.scopedTo)},rs/NAME (rd/NAME for a ReplicationDestination)`,
              reason: 'Forbidden',
            },
          ],
        };
  const object = (
    kind: string,
    objectName: string,
    objectSpec: Record<string, unknown>,
  ): KubeObject => ({
    apiVersion,
    kind,
    metadata: {
      name: objectName,
      labels,
      annotations: { [specHashKey]: sha256Hex(JSON.stringify(objectSpec)).slice(0, 16) },
    },
    spec: objectSpec,
  });
  const bindings = selectorsFor(r.listed).map(([suffix, objectSelector]) =>
    object(kinds[r.kind].binding, `${name}-${suffix}`, {
      policyName: name,
      ...(r.kind === 'deny' && { validationActions: ['Deny'] }),
      matchResources: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': r.namespace } },
        objectSelector,
      },
    }),
  );
  return [object(kinds[r.kind].policy, name, spec), ...bindings];
}

const jobName = 'batch.kubernetes.io/job-name';
const component = 'app.kubernetes.io/component';
const syncthingMover = 'syncthing-mover';

/**
 * Three disjoint label selectors whose union is every pod except the listed movers' (label
 * selectors cannot say "or", hence three bindings). A listed Job pod carries its Job's name and no
 * syncthing label; a listed syncthing pod carries syncthing's labels (its Deployment's selector
 * forces them) and no Job name. A pod carrying both was dressed up through moverPodLabels and is
 * never exempt. NotIn also selects pods without the key; `app.kubernetes.io/created-by` is not
 * used, since moverPodLabels can overwrite it.
 */
function selectorsFor(l: ListedPods): [string, Record<string, unknown>][] {
  const notIn = (key: string, values: string[]) =>
    values.length === 0 ? [] : [{ key, operator: 'NotIn', values: [...values].sort() }];
  return [
    [
      'movers',
      {
        matchExpressions: [
          { key: component, operator: 'NotIn', values: [syncthingMover] },
          ...notIn(jobName, l.jobs),
        ],
      },
    ],
    [
      'syncthing',
      {
        matchExpressions: [
          { key: component, operator: 'In', values: [syncthingMover] },
          { key: jobName, operator: 'DoesNotExist' },
          ...notIn('app.kubernetes.io/name', l.syncthing),
        ],
      },
    ],
    [
      'mislabelled',
      {
        matchExpressions: [
          { key: component, operator: 'In', values: [syncthingMover] },
          { key: jobName, operator: 'Exists' },
        ],
      },
    ],
  ];
}

/** Our policy objects (of either kind) in `objects` that concern `namespace`, by name. */
export function ownPolicyObjects(objects: KubeObject[], namespace: string): KubeObject[] {
  return objects.filter(
    (o) =>
      policyObjectKinds.has(o.kind) &&
      o.metadata.labels?.[policyKindLabel] !== undefined &&
      o.metadata.labels[namespaceLabel] === namespace,
  );
}

/** One of our policies acting on a pod. */
export interface ScopePolicyEffect {
  kind: ScopePolicyKind;
  /** `Kind/name` of the binding that selects the pod. */
  binding: string;
  policy: string;
}

/**
 * Our policies whose binding selects a mover pod with `labels` in `namespace`, as the API server
 * evaluates matchResources. A binding without its policy does nothing; other policies are not
 * modelled (a server-side dry run shows their effect).
 */
export function scopePoliciesFor(
  objects: KubeObject[],
  namespace: string,
  namespaceLabels: Record<string, string>,
  labels: Record<string, string> | undefined,
): ScopePolicyEffect[] {
  if (labels === undefined) return [];
  // the API server labels every Namespace with its name; manifests may not spell it out
  const nsLabels = { ...namespaceLabels, 'kubernetes.io/metadata.name': namespace };
  const out: ScopePolicyEffect[] = [];
  for (const kind of ['demote', 'deny'] as const) {
    for (const b of objects) {
      if (b.kind !== kinds[kind].binding) continue;
      const policyName = path(b.spec, 'policyName');
      const policy = objects.find(
        (p) =>
          p.kind === kinds[kind].policy &&
          p.metadata.name === policyName &&
          p.metadata.labels?.[policyKindLabel] === kindValue[kind],
      );
      if (!policy) continue;
      const nsSel = parseLabelSelector(path(b.spec, 'matchResources', 'namespaceSelector'));
      const objSel = parseLabelSelector(path(b.spec, 'matchResources', 'objectSelector'));
      if (!nsSel || !objSel || !selects(nsSel, nsLabels) || !selects(objSel, labels)) continue;
      out.push({
        kind,
        binding: `${b.kind}/${b.metadata.name}`,
        policy: `${policy.kind}/${policy.metadata.name}`,
      });
    }
  }
  return out;
}

const isPrivilegedPod = (pod: PodSpec) =>
  pod.containers.some((c) => c.env?.some((e) => e.name === 'PRIVILEGED_MOVER' && e.value === '1'));

/** What the demote policy does to a pod, with each change in words; null when it does not match. */
export function demotePod(pod: PodSpec): { pod: PodSpec; changes: string[] } | null {
  if (!isPrivilegedPod(pod)) return null;
  const changes: string[] = [];
  const containers = pod.containers.map((c): Container => {
    const sc = { ...c.securityContext };
    if (sc.runAsUser !== undefined) {
      changes.push(`removes container ${c.name} runAsUser ${sc.runAsUser}`);
      delete sc.runAsUser;
    }
    if (sc.capabilities?.add !== undefined) {
      changes.push(`removes capabilities.add ${sc.capabilities.add.join(', ')}`);
      sc.capabilities = { ...sc.capabilities };
      delete sc.capabilities.add;
    }
    if (sc.runAsNonRoot === false) {
      changes.push('removes runAsNonRoot false');
      delete sc.runAsNonRoot;
    }
    const env = c.env?.map((e) =>
      e.name === 'PRIVILEGED_MOVER' ? { name: e.name, value: '0' } : e,
    );
    if (c.env?.some((e) => e.name === 'PRIVILEGED_MOVER')) changes.push('sets PRIVILEGED_MOVER=0');
    return {
      ...c,
      ...(c.securityContext && { securityContext: sc }),
      ...(env && { env }),
    };
  });
  return { pod: { ...pod, containers }, changes };
}

/** Whether the deny policy rejects the pod: it matches exactly the pods VolSync built privileged. */
export const deniesPod = isPrivilegedPod;

/**
 * Whether the server's dry run of a privileged mover pod shows our policy in force: demoted (the
 * admitted pod no longer runs privileged) or rejected by it.
 */
export function policyInForce(
  kind: ScopePolicyKind,
  namespace: string,
  result: ServerDryRun,
): boolean {
  if (kind === 'deny')
    return !result.admitted && result.message.includes(policyNames.deny(namespace));
  return result.admitted && !isPrivilegedPod(parsePodSpec(result.spec, 'dry-run pod spec'));
}
