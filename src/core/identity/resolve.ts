import {
  admits,
  parseLevel,
  resolvePodSecurity,
  type PodSecurityLevel,
  type PodSecurityVerdict,
} from '../admission/pod-security.js';
import { readSccRanges, resolveScc, type SccOutcome } from '../admission/openshift.js';
import type { Container, PodSpec } from '../k8s/types.js';
import type { BuiltPod } from '../volsync/build-mover-pod.js';
import type { NamespaceFacts, PrivilegedDecision } from '../volsync/privileged.js';
import { effectiveCaps, resolveBoundingCaps } from './capabilities.js';
import type { Identity } from './identity.js';
import { parseImageUser, type ImageFacts, type PasswdEntry } from './image.js';
import type { Layer, TraceStep } from './trace.js';
import type { Unknown } from './unknown.js';

export interface ResolveInput {
  pod: PodSpec;
  container: Container;
  image: ImageFacts;
  namespace: string;
  /** undefined = the Namespace object is not known. */
  namespaceFacts: NamespaceFacts | undefined;
  /** Set for pods VolSync builds: the privileged decision and how the pod was built. */
  volsync?: { decision: PrivilegedDecision; built: BuiltPod };
  /** Admission policies that change or reject this pod (annotate --scoped's), already evaluated. */
  admission?: AdmissionEffects;
}

export interface AdmissionEffects {
  /** The pod after a mutating policy, and what it changed; the runtime sees this pod. */
  mutation?: { by: string; pod: PodSpec; changes: string[]; source: string };
  /** A validating policy rejects the pod. */
  denial?: { by: string; message: string; source: string };
}

export interface StartCheck {
  /** true = the kubelet refuses to start the container; null = depends on an unknown fact. */
  refused: boolean | null;
  message?: string;
}

export interface Resolution {
  identity: Identity;
  trace: TraceStep[];
  unknowns: Unknown[];
  /** The layer whose value became the UID. */
  uidDecidedBy: Layer | null;
  runAsNonRoot: StartCheck;
  /** A named image user missing from /etc/passwd: container creation fails. */
  imageUserMissing?: string;
  /** The `:group` of the image USER that Kubernetes ignores, when no runAsGroup replaces it. */
  imageGroupIgnored?: string;
  /** /etc/group memberships could add groups that are not known. */
  groupsIncomplete: boolean;
  podSecurity: PodSecurityVerdict;
  enforce?: PodSecurityLevel;
  admitted: boolean | null;
  /** The API server's own rejection of the pod (server-side dry run), which wins over the model. */
  serverRejection?: string;
  scc?: SccOutcome;
  /** Capabilities in add that never become effective because the UID is not 0. */
  ineffectiveCaps: string[];
}

const R = {
  merge: 'k8s-identity §0 rule 1 (K:pkg/securitycontext/util.go DetermineEffectiveSecurityContext)',
  uid: 'k8s-identity §0 rule 2, §1.1 (K:kuberuntime/helpers.go getImageUser)',
  gid: 'k8s-identity §0 rule 3, §1.2 (CD:pkg/oci/spec_opts.go WithUserID)',
  groups: 'k8s-identity §0 rule 4, §2.1',
  caps: 'k8s-identity §5.2-5.3',
  nonRoot: 'k8s-identity §3 (K:kuberuntime/security_context_others.go verifyRunAsNonRoot)',
  psa: 'k8s-identity §6 (pod-security-admission)',
  image: 'k8s-identity §1.3 (kubernetes#61967)',
};

/**
 * Resolves the identity of one container from its pod spec, the image facts and the namespace,
 * layer by layer (image → pod → container → volsync → admission → runtime), with a trace step for
 * every decision. Unknown facts give null values, never guesses.
 */
export function resolveIdentity(input: ResolveInput): Resolution {
  const { image } = input;
  let { pod, container: c } = input;
  const trace: TraceStep[] = [];
  const unknowns: Unknown[] = [];
  const push = (
    layer: Layer,
    field: string,
    value: TraceStep['value'],
    effect: string,
    source: string,
  ) => trace.push({ layer, field, value, effect, source });
  const psc = pod.securityContext ?? {};
  let csc = c.securityContext ?? {};
  const overrides = input.volsync?.built.overrides ?? [];
  const overridden = new Set<string>(overrides.map((o) => o.field));

  // image
  const iu = image.user === null ? null : parseImageUser(image.user);
  let imageGroupIgnored: string | undefined;
  if (iu === null) {
    push('image', 'User', null, `unknown: ${image.source}`, R.uid);
    unknowns.push({
      what: `config User of image ${image.image}`,
      reason: image.source,
      dependsOn: `--image-user ${image.image}=USER, or the image registry`,
    });
  } else if (image.user === '') {
    push(
      'image',
      'User',
      '',
      `no USER: the image runs as UID 0 unless runAsUser is set (${image.source})`,
      R.uid,
    );
  } else {
    push('image', 'User', image.user, `USER ${image.user} (${image.source})`, R.uid);
    if (iu.group !== undefined) {
      imageGroupIgnored = iu.group;
      push(
        'image',
        'User group',
        iu.group,
        `ignored: Kubernetes keeps only the user part of USER ${image.user}; the GID comes from runAsGroup, else /etc/passwd, else 0`,
        R.image,
      );
    }
  }

  // pod
  const podFrom = input.volsync?.built.podSecurityContextFrom ?? 'spec.securityContext';
  const podFields = [
    'runAsUser',
    'runAsGroup',
    'runAsNonRoot',
    'fsGroup',
    'supplementalGroups',
    'supplementalGroupsPolicy',
  ] as const;
  let podSteps = 0;
  for (const f of podFields) {
    const v = psc[f];
    if (v === undefined) continue;
    podSteps++;
    push(
      'pod',
      f,
      v,
      `pod securityContext sets ${f} (from ${podFrom})`,
      'volsync-semantics §0 rule 3 (U:ic/utils/utils.go:249)',
    );
  }
  if (psc.seccompProfile?.type !== undefined) {
    podSteps++;
    push('pod', 'seccompProfile.type', psc.seccompProfile.type, `from ${podFrom}`, R.psa);
  }
  if (podSteps === 0) push('pod', 'securityContext', null, `sets nothing (${podFrom})`, R.merge);

  // container
  const baseSrc = input.volsync?.built.baselineSource ?? `container ${c.name} securityContext`;
  const cfields: [string, TraceStep['value'] | undefined][] = [
    ['runAsUser', csc.runAsUser],
    ['runAsGroup', csc.runAsGroup],
    ['runAsNonRoot', csc.runAsNonRoot],
    ['capabilities.drop', csc.capabilities?.drop],
    ['capabilities.add', csc.capabilities?.add],
    ['privileged', csc.privileged],
    ['allowPrivilegeEscalation', csc.allowPrivilegeEscalation],
    ['readOnlyRootFilesystem', csc.readOnlyRootFilesystem],
    ['seccompProfile.type', csc.seccompProfile?.type],
  ];
  let cSteps = 0;
  for (const [f, v] of cfields) {
    if (v === undefined || overridden.has(f)) continue;
    cSteps++;
    push('container', f, v, `container ${c.name} sets ${f}`, baseSrc);
  }
  if (cSteps === 0)
    push('container', 'securityContext', null, `container ${c.name} sets nothing`, baseSrc);
  if (input.volsync && csc.runAsUser === undefined && !overridden.has('runAsUser'))
    push(
      'container',
      'runAsUser',
      null,
      'VolSync sets no container runAsUser: the pod value (or the image) decides',
      baseSrc,
    );

  // volsync
  if (input.volsync) {
    trace.push(...input.volsync.decision.steps);
    for (const o of overrides) {
      let effect = `VolSync sets container ${o.field}=${JSON.stringify(o.value)}`;
      if (o.field === 'runAsUser' && psc.runAsUser !== undefined && psc.runAsUser !== o.value)
        effect = `container runAsUser ${String(o.value)} beats pod runAsUser ${psc.runAsUser} (moverSecurityContext is ignored for the UID)`;
      push('volsync', o.field, o.value, effect, o.source);
    }
    if (input.volsync.decision.value === false && input.volsync.built.workload.kind !== 'CronJob')
      push(
        'volsync',
        'PRIVILEGED_MOVER',
        '0',
        'unprivileged: no container runAsUser, no added capabilities',
        'volsync-semantics §0 rule 4',
      );
  } else {
    push(
      'volsync',
      'mover',
      null,
      'not a pod VolSync builds: no VolSync rule applies',
      'volsync-semantics §8',
    );
  }

  // admission: mutating policies first, then SCC and Pod Security see the mutated pod
  const mutation = input.admission?.mutation;
  if (mutation) {
    push('admission', 'pod', mutation.by, mutation.changes.join('; '), mutation.source);
    const name = c.name;
    pod = mutation.pod;
    c = pod.containers.find((x) => x.name === name) ?? c;
    csc = c.securityContext ?? {};
    overridden.clear();
  }
  const nsFacts = input.namespaceFacts;
  let scc: SccOutcome | undefined;
  const ranges = nsFacts ? readSccRanges(nsFacts.annotations) : undefined;
  if (ranges) {
    scc = resolveScc(pod, ranges, input.volsync?.decision.value === true);
    push(
      'admission',
      'SCC',
      scc.scc,
      scc.rejected ? `rejected: ${scc.rejected}` : scc.note,
      'k8s-identity §7',
    );
    if (scc.runAsUser !== undefined)
      push(
        'admission',
        'runAsUser',
        scc.runAsUser,
        `restricted-v2 assigns container runAsUser ${scc.runAsUser} (first UID of openshift.io/sa.scc.uid-range)`,
        'k8s-identity §7 [inference]',
      );
    if (scc.fsGroup !== undefined)
      push(
        'admission',
        'fsGroup',
        scc.fsGroup,
        `restricted-v2 assigns pod fsGroup ${scc.fsGroup}`,
        'k8s-identity §7 [inference]',
      );
    if (scc.runAsNonRoot !== undefined)
      push(
        'admission',
        'runAsNonRoot',
        true,
        'restricted-v2 sets runAsNonRoot=true for a UID > 0',
        'k8s-identity §7 [inference]',
      );
  }
  const podSecurity = resolvePodSecurity(pod);
  const enforce = parseLevel(nsFacts?.labels['pod-security.kubernetes.io/enforce']);
  let admitted: boolean | null = null;
  if (nsFacts === undefined) {
    push(
      'admission',
      'pod-security.kubernetes.io/enforce',
      null,
      `unknown: Namespace ${input.namespace} is not in the input`,
      R.psa,
    );
  } else if (enforce === undefined) {
    push(
      'admission',
      'pod-security.kubernetes.io/enforce',
      null,
      `not set on Namespace ${input.namespace}: the cluster default level applies (privileged unless configured)`,
      R.psa,
    );
  } else {
    admitted = admits(enforce, podSecurity);
    const why = admitted
      ? 'admits the pod'
      : `rejects the pod: ${podSecurity.violations.join('; ')}`;
    push(
      'admission',
      'pod-security.kubernetes.io/enforce',
      enforce,
      `Pod Security ${enforce} ${why}`,
      R.psa,
    );
  }
  if (scc?.rejected) admitted = false;
  const denial = input.admission?.denial;
  if (denial) {
    admitted = false;
    push('admission', 'pod', denial.by, `rejects the pod: ${denial.message}`, denial.source);
  }

  // runtime
  const userFrom = (): [number | undefined, Layer] => {
    if (csc.runAsUser !== undefined)
      return [csc.runAsUser, overridden.has('runAsUser') ? 'volsync' : 'container'];
    if (psc.runAsUser !== undefined) return [psc.runAsUser, 'pod'];
    if (scc?.runAsUser !== undefined) return [scc.runAsUser, 'admission'];
    return [undefined, 'image'];
  };
  const [runAsUser, userLayer] = userFrom();
  let uid: number | null = null;
  let uidDecidedBy: Layer | null = null;
  let imageUserMissing: string | undefined;
  let named: PasswdEntry | null | undefined; // passwd entry of the process user; null = none; undefined = unknown
  const byUid = (u: number) =>
    image.passwd === null ? undefined : (image.passwd.find((p) => p.uid === u) ?? null);
  if (runAsUser !== undefined) {
    uid = runAsUser;
    uidDecidedBy = userLayer;
    const beats =
      csc.runAsUser !== undefined && psc.runAsUser !== undefined && csc.runAsUser !== psc.runAsUser
        ? `; container ${csc.runAsUser} beats pod ${psc.runAsUser}`
        : '';
    push('runtime', 'uid', uid, `UID ${uid} from the ${userLayer} runAsUser${beats}`, R.merge);
    named = byUid(uid);
  } else if (iu === null) {
    push(
      'runtime',
      'uid',
      null,
      'unknown: no runAsUser is set, so the image USER decides, and it is not known',
      R.uid,
    );
  } else if (iu.user === '' || iu.uid !== undefined) {
    uid = iu.uid ?? 0;
    uidDecidedBy = 'image';
    push(
      'runtime',
      'uid',
      uid,
      iu.user === ''
        ? 'UID 0: no runAsUser and no image USER (the kubelet sends UID 0)'
        : `UID ${uid} from the image USER`,
      R.uid,
    );
    named = byUid(uid);
  } else if (image.passwd === null) {
    push(
      'runtime',
      'uid',
      null,
      `unknown: image USER ${iu.user} is a name; its UID is in the image's /etc/passwd, which is not known`,
      R.uid,
    );
    unknowns.push({
      what: `/etc/passwd of image ${image.image}`,
      reason: `USER ${iu.user} is a name`,
      dependsOn: 'the image registry, or --image-user with a numeric UID',
    });
  } else {
    const e = image.passwd.find((p) => p.name === iu.user);
    if (e) {
      uid = e.uid;
      uidDecidedBy = 'image';
      named = e;
      push('runtime', 'uid', uid, `UID ${uid}: /etc/passwd entry of image user ${iu.user}`, R.uid);
    } else {
      imageUserMissing = iu.user;
      push(
        'runtime',
        'uid',
        null,
        `container creation fails: image user ${iu.user} has no /etc/passwd entry`,
        'k8s-identity §1.2 (CD:pkg/oci/spec_opts.go WithUsername)',
      );
    }
  }

  const runAsGroup = csc.runAsGroup ?? psc.runAsGroup;
  let gid: number | null = null;
  if (runAsGroup !== undefined) {
    gid = runAsGroup;
    push(
      'runtime',
      'gid',
      gid,
      `GID ${gid} from the ${csc.runAsGroup !== undefined ? 'container' : 'pod'} runAsGroup`,
      R.merge,
    );
  } else if (uid === null) {
    push('runtime', 'gid', null, 'unknown: no runAsGroup, and the UID is unknown', R.gid);
  } else if (named === undefined) {
    push(
      'runtime',
      'gid',
      null,
      `unknown: no runAsGroup, so the primary group of UID ${uid} in the image's /etc/passwd decides (0 if it has no entry); /etc/passwd is not known`,
      R.gid,
    );
    unknowns.push({
      what: `GID of UID ${uid} in image ${image.image}`,
      reason: 'no runAsGroup and the image /etc/passwd is not known',
      dependsOn: 'runAsGroup in the securityContext, or the image registry',
    });
  } else {
    gid = named ? named.gid : 0;
    push(
      'runtime',
      'gid',
      gid,
      named
        ? `GID ${gid}: primary group of ${named.name} in the image /etc/passwd`
        : `GID 0: UID ${uid} has no /etc/passwd entry`,
      R.gid,
    );
  }

  const fsGroup = psc.fsGroup ?? scc?.fsGroup ?? null;
  let groups: number[] | null = null;
  let groupsIncomplete = false;
  if (gid === null) {
    push('runtime', 'supplementalGroups', null, 'unknown: the primary GID is unknown', R.groups);
  } else {
    const set = new Set<number>([
      gid,
      ...(fsGroup === null ? [] : [fsGroup]),
      ...(psc.supplementalGroups ?? []),
    ]);
    const strict = psc.supplementalGroupsPolicy === 'Strict';
    let note = strict ? 'supplementalGroupsPolicy Strict: no /etc/group memberships' : '';
    if (!strict) {
      if (named === null)
        note = `UID ${uid ?? '?'} has no name in /etc/passwd: no /etc/group memberships`;
      else if (named === undefined || image.group === null) {
        groupsIncomplete = true;
        note = 'may also hold the groups that list the user in the image /etc/group (not known)';
        unknowns.push({
          what: `/etc/group memberships in image ${image.image}`,
          reason: 'the image /etc/group is not known',
          dependsOn: 'the image registry, or supplementalGroupsPolicy: Strict',
        });
      } else {
        const member = named.name;
        for (const g of image.group) if (g.members.includes(member)) set.add(g.gid);
        note = `with /etc/group memberships of ${member}`;
      }
    }
    groups = [...set].sort((a, b) => a - b);
    push(
      'runtime',
      'supplementalGroups',
      groups,
      `primary GID, fsGroup and supplementalGroups; ${note}`,
      R.groups,
    );
  }

  const caps = resolveBoundingCaps(csc);
  const capabilities = effectiveCaps(uid, caps.bounding);
  const ineffectiveCaps = uid !== null && uid !== 0 ? caps.added : [];
  if (capabilities === null) {
    const why =
      caps.bounding === null
        ? 'the container does not drop ALL, so the runtime default set applies (containerd: 14, CRI-O: 9)'
        : 'the UID is unknown';
    push('runtime', 'capabilities', null, `unknown: ${why}`, R.caps);
    if (caps.bounding === null && uid === 0)
      unknowns.push({
        what: `effective capabilities of container ${c.name}`,
        reason: why,
        dependsOn: 'the node container runtime, or capabilities.drop: [ALL]',
      });
  } else if (ineffectiveCaps.length > 0) {
    push(
      'runtime',
      'capabilities',
      capabilities,
      `none: UID ${uid ?? '?'} is not 0, so the added ${ineffectiveCaps.join(', ')} stay in the bounding set only`,
      R.caps,
    );
  } else {
    push(
      'runtime',
      'capabilities',
      capabilities,
      capabilities.length ? `UID 0 holds exactly the bounding set` : 'none',
      R.caps,
    );
  }

  const runAsNonRoot = resolveRunAsNonRoot(
    csc.runAsNonRoot ?? psc.runAsNonRoot ?? scc?.runAsNonRoot,
    runAsUser,
    iu,
    image.image,
  );
  if (runAsNonRoot.refused !== false || (csc.runAsNonRoot ?? psc.runAsNonRoot) === true)
    push(
      'runtime',
      'runAsNonRoot',
      runAsNonRoot.refused === null ? null : !runAsNonRoot.refused,
      runAsNonRoot.message ?? 'the kubelet check passes',
      R.nonRoot,
    );

  const identity: Identity = {
    uid,
    gid,
    supplementalGroups: groups,
    fsGroup,
    capabilities,
    runsAsRoot: uid === null ? null : uid === 0,
  };
  const out: Resolution = {
    identity,
    trace,
    unknowns,
    uidDecidedBy,
    runAsNonRoot,
    groupsIncomplete,
    podSecurity,
    admitted,
    ineffectiveCaps,
  };
  if (imageUserMissing !== undefined) out.imageUserMissing = imageUserMissing;
  if (imageGroupIgnored !== undefined && runAsGroup === undefined)
    out.imageGroupIgnored = imageGroupIgnored;
  if (enforce !== undefined) out.enforce = enforce;
  if (scc !== undefined) out.scc = scc;
  return out;
}

function resolveRunAsNonRoot(
  nonRoot: boolean | undefined,
  runAsUser: number | undefined,
  iu: ReturnType<typeof parseImageUser> | null,
  image: string,
): StartCheck {
  if (nonRoot !== true) return { refused: false };
  if (runAsUser === 0)
    return {
      refused: true,
      message:
        "kubelet refuses to start it: container's runAsUser breaks non-root policy (runAsNonRoot with runAsUser 0)",
    };
  if (runAsUser !== undefined) return { refused: false };
  if (iu === null)
    return {
      refused: null,
      message: `depends on the USER of image ${image} (unknown): root or a name would be refused`,
    };
  if (iu.user === '' || iu.uid === 0)
    return {
      refused: true,
      message: 'kubelet refuses to start it: container has runAsNonRoot and image will run as root',
    };
  if (iu.uid === undefined)
    return {
      refused: true,
      message: `kubelet refuses to start it: container has runAsNonRoot and image has non-numeric user (${iu.user}), cannot verify user is non-root`,
    };
  return { refused: false };
}
