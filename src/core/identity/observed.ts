import { asArray, path } from '../k8s/json.js';
import type { KubeObject } from '../k8s/object.js';
import type { ObservedUser } from '../k8s/types.js';
import type { Identity } from './identity.js';
import type { Resolution } from './resolve.js';
import type { TraceStep } from './trace.js';

const source = 'k8s-identity §2.3 (K:pkg/kubelet/kubelet_pods.go convertContainerStatusUser)';

/** Where the real pod comes from: the cluster runs it, or the API server admitted it in a dry run. */
export interface Observation {
  via: 'pod' | 'dry-run' | 'workload';
  /**
   * `Pod/ns/name`; for a dry run `Pod/ns/(server-side dry run)`; for a workload VolSync created
   * whose pod does not exist (yet, or admission rejects it) the workload, `Job/ns/name`.
   */
  pod: string;
}

const viaText = {
  pod: 'the mover pod exists',
  'dry-run': 'the API server admits the predicted pod (server-side dry run)',
  workload: 'the workload VolSync created exists, without a pod',
} as const;

const specSource = {
  pod: 'the pod spec the API server stored (observed, not predicted)',
  'dry-run':
    'the pod the API server returned from create with dryRun=All (after mutating admission)',
  workload: "the workload's pod template the API server stored (observed, not predicted)",
} as const;

/** What the kubelet reports for a container: the first process's real uid, gid and groups. */
export function observedUserOf(pod: KubeObject, container: string): ObservedUser | undefined {
  const st = asArray(path(pod.status, 'containerStatuses')).find(
    (s) => path(s, 'name') === container,
  );
  const linux = path(st, 'user', 'linux');
  const uid = path(linux, 'uid');
  const gid = path(linux, 'gid');
  if (typeof uid !== 'number' || typeof gid !== 'number') return undefined;
  return {
    container,
    uid,
    gid,
    supplementalGroups: asArray(path(linux, 'supplementalGroups'))
      .filter((g): g is number => typeof g === 'number')
      .sort((a, b) => a - b),
  };
}

/**
 * The fields where the observation contradicts the prediction, as `field predicted → observed`.
 * An unknown prediction is filled in, not contradicted; so are groups the image's /etc/group may
 * add when the prediction said it could not know them.
 */
export function identityDifferences(
  predicted: Identity,
  observed: Identity,
  groupsIncomplete: boolean,
): string[] {
  const show = (v: number | boolean | string[] | number[] | null) =>
    v === null ? '?' : Array.isArray(v) ? `[${v.join(',')}]` : String(v);
  return (['uid', 'gid', 'supplementalGroups', 'fsGroup', 'capabilities'] as const)
    .filter((k) => predicted[k] !== null && observed[k] !== null)
    .filter((k) => show(predicted[k]) !== show(observed[k]))
    .filter(
      (k) =>
        !(
          k === 'supplementalGroups' &&
          groupsIncomplete &&
          (predicted.supplementalGroups ?? []).every((g) =>
            (observed.supplementalGroups ?? []).includes(g),
          )
        ),
    )
    .map((k) => `${k} ${show(predicted[k])} → ${show(observed[k])}`);
}

/**
 * The identity a mover really has when VolSync already created its pod: the real pod spec
 * resolved as any pod (`fromSpec`), then what the kubelet reports, win over the prediction; the
 * prediction's trace stays, followed by runtime steps saying what was observed and what differs
 * (k8s-identity §2.3: prefer the observed field, show both when they disagree).
 */
export function reconcileObserved(
  predicted: Resolution,
  fromSpec: Resolution,
  seen: Observation,
  user: ObservedUser | undefined,
): { resolution: Resolution; differences: string[] } {
  const observed: Identity = user
    ? {
        ...fromSpec.identity,
        uid: user.uid,
        gid: user.gid,
        supplementalGroups: user.supplementalGroups,
        runsAsRoot: user.uid === 0,
        capabilities: user.uid === 0 ? fromSpec.identity.capabilities : [],
      }
    : fromSpec.identity;
  const differences = identityDifferences(predicted.identity, observed, predicted.groupsIncomplete);
  const known = Object.fromEntries(
    Object.entries(observed).filter(([, v]) => v !== null),
  ) as Partial<Identity>;
  const steps: TraceStep[] = [
    {
      layer: seen.via === 'dry-run' ? 'admission' : 'runtime',
      field: 'pod',
      value: seen.pod,
      effect:
        differences.length === 0
          ? `${viaText[seen.via]}, and its ${user ? 'kubelet-reported identity' : 'spec'} agrees with the prediction`
          : `${viaText[seen.via]}, and it differs from the prediction (${differences.join('; ')}): the observed identity is reported`,
      source: user ? source : specSource[seen.via],
    },
  ];
  if (user)
    steps.push({
      layer: 'runtime',
      field: 'status.containerStatuses[].user.linux',
      value: [user.uid, user.gid, ...user.supplementalGroups],
      effect: `the kubelet reports uid ${user.uid}, gid ${user.gid}, groups [${user.supplementalGroups.join(',')}]`,
      source,
    });
  // when the pod differs, the runtime steps are those of the real pod: the trace then speaks of
  // the identity the report gives, after the prediction's layers and what was observed
  const trace =
    differences.length === 0
      ? [...predicted.trace, ...steps]
      : [
          ...predicted.trace.filter((t) => t.layer !== 'runtime'),
          ...steps.slice(0, 1),
          ...fromSpec.trace.filter((t) => t.layer === 'runtime'),
          ...steps.slice(1),
        ];
  const resolution: Resolution = {
    ...(differences.length === 0 ? predicted : fromSpec),
    identity: { ...predicted.identity, ...known },
    trace,
    // what the kubelet reports is complete: no /etc/group guess is left
    groupsIncomplete: user
      ? false
      : (differences.length === 0 ? predicted : fromSpec).groupsIncomplete,
    unknowns: user
      ? predicted.unknowns.filter((u) => !/\/etc\/(group|passwd)/.test(u.what))
      : predicted.unknowns,
  };
  return { resolution, differences };
}
