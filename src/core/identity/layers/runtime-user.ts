import { unreadId } from '../../kopiur/unknown-ids.js';
import type { PasswdEntry } from '../image.js';
import type { Unknown } from '../unknown.js';
import type { Layer } from '../trace.js';
import {
  containerSecurityContextOf,
  podSecurityContextOf,
  rules,
  step,
  type LayerResult,
  type ResolveState,
} from './state.js';

/** A kopiur Restore's recorded identity the input does not hold (kopiur.md §6). */
function recordedUnknown(s: ResolveState): Unknown {
  const i = s.input.kopiur?.inherit;
  return {
    what: 'the identity recorded on the backup a Restore inherits (Snapshot.status.recorded)',
    reason: i && 'effect' in i ? i.effect : 'it is not in the input',
    dependsOn: `the kopiur Snapshot objects of the namespace in the input (kubectl get snapshots.kopiur.home-operations.com -n ${s.input.kopiur?.namespace ?? 'NS'} -o yaml), or an explicit runAsUser, runAsGroup and fsGroup on the Restore`,
  };
}

/** What the runtime decides about the user: the UID and its /etc/passwd entry. */
export interface RuntimeUser {
  /** The effective runAsUser (container, else pod, else SCC); undefined = the image decides. */
  runAsUser?: number;
  uid: number | null;
  uidDecidedBy: Layer | null;
  /** The passwd entry of the UID: null = none; undefined = /etc/passwd is not known. */
  named: PasswdEntry | null | undefined;
  /** A named image user missing from /etc/passwd: container creation fails. */
  imageUserMissing?: string;
}

/**
 * The UID: the effective runAsUser (container beats pod, §0 rule 1), else SCC's assignment, else
 * the image USER (numeric, or a name looked up in /etc/passwd; empty = 0), §0 rule 2.
 */
export function resolveRuntimeUser(s: ResolveState): LayerResult<RuntimeUser> & RuntimeUser {
  const csc = containerSecurityContextOf(s);
  const psc = podSecurityContextOf(s);
  const { image } = s.input;
  const iu = s.imageUser;
  const byUid = (u: number) =>
    image.passwd === null ? undefined : (image.passwd.find((p) => p.uid === u) ?? null);
  const unread = unreadId(s.input.kopiur, 'runAsUser');
  if (unread !== undefined)
    return {
      uid: null,
      uidDecidedBy: null,
      named: undefined,
      steps: [step('runtime', 'uid', null, `unknown: ${unread}`, rules.uid)],
      unknowns: [recordedUnknown(s)],
    };
  const [runAsUser, layer]: [number | undefined, Layer] =
    csc.runAsUser !== undefined
      ? [
          csc.runAsUser,
          s.overridden.has('runAsUser') ? (s.input.kopiur ? 'kopiur' : 'volsync') : 'container',
        ]
      : psc.runAsUser !== undefined
        ? [psc.runAsUser, 'pod']
        : s.scc?.runAsUser !== undefined
          ? [s.scc.runAsUser, 'admission']
          : [undefined, 'image'];
  if (runAsUser !== undefined) {
    const beats =
      csc.runAsUser !== undefined && psc.runAsUser !== undefined && csc.runAsUser !== psc.runAsUser
        ? `; container ${csc.runAsUser} beats pod ${psc.runAsUser}`
        : '';
    return {
      runAsUser,
      uid: runAsUser,
      uidDecidedBy: layer,
      named: byUid(runAsUser),
      steps: [
        step(
          'runtime',
          'uid',
          runAsUser,
          `UID ${runAsUser} from the ${layer === 'kopiur' ? 'container (set by kopiur)' : layer} runAsUser${beats}`,
          rules.merge,
        ),
      ],
    };
  }
  const none = { uid: null, uidDecidedBy: null, named: undefined };
  if (iu === null)
    return {
      ...none,
      steps: [
        step(
          'runtime',
          'uid',
          null,
          'unknown: no runAsUser is set, so the image USER decides, and it is not known',
          rules.uid,
        ),
      ],
    };
  if (iu.user === '' || iu.uid !== undefined) {
    const uid = iu.uid ?? 0;
    return {
      uid,
      uidDecidedBy: 'image',
      named: byUid(uid),
      steps: [
        step(
          'runtime',
          'uid',
          uid,
          iu.user === ''
            ? 'UID 0: no runAsUser and no image USER (the kubelet sends UID 0)'
            : `UID ${uid} from the image USER`,
          rules.uid,
        ),
      ],
    };
  }
  if (image.passwd === null)
    return {
      ...none,
      steps: [
        step(
          'runtime',
          'uid',
          null,
          `unknown: image USER ${iu.user} is a name; its UID is in the image's /etc/passwd, which is not known`,
          rules.uid,
        ),
      ],
      unknowns: [
        {
          what: `/etc/passwd of image ${image.image}`,
          reason: `USER ${iu.user} is a name`,
          dependsOn: 'the image registry, or --image-user with a numeric UID',
        },
      ],
    };
  const e = image.passwd.find((p) => p.name === iu.user);
  if (e)
    return {
      uid: e.uid,
      uidDecidedBy: 'image',
      named: e,
      steps: [
        step(
          'runtime',
          'uid',
          e.uid,
          `UID ${e.uid}: /etc/passwd entry of image user ${iu.user}`,
          rules.uid,
        ),
      ],
    };
  return {
    ...none,
    imageUserMissing: iu.user,
    steps: [
      step(
        'runtime',
        'uid',
        null,
        `container creation fails: image user ${iu.user} has no /etc/passwd entry`,
        'k8s-identity §1.2 (CD:pkg/oci/spec_opts.go WithUsername)',
      ),
    ],
  };
}
