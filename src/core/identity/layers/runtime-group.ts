import { unreadId } from '../../kopiur/unknown-ids.js';
import type { RuntimeUser } from './runtime-user.js';
import {
  containerSecurityContextOf,
  podSecurityContextOf,
  rules,
  step,
  type LayerResult,
  type ResolveState,
} from './state.js';

/**
 * The primary GID: the effective runAsGroup, else the primary group of the UID in the image's
 * /etc/passwd, else 0 (§0 rule 3); unknown when that file is.
 */
export function resolveRuntimeGroup(
  s: ResolveState,
  u: RuntimeUser,
): LayerResult<{ gid: number | null }> & { gid: number | null } {
  const csc = containerSecurityContextOf(s);
  const psc = podSecurityContextOf(s);
  const runAsGroup = csc.runAsGroup ?? psc.runAsGroup;
  const unread = unreadId(s.input.kopiur, 'runAsGroup');
  if (unread !== undefined)
    return { gid: null, steps: [step('runtime', 'gid', null, `unknown: ${unread}`, rules.gid)] };
  if (runAsGroup !== undefined)
    return {
      gid: runAsGroup,
      steps: [
        step(
          'runtime',
          'gid',
          runAsGroup,
          `GID ${runAsGroup} from the ${csc.runAsGroup !== undefined ? 'container' : 'pod'} runAsGroup`,
          rules.merge,
        ),
      ],
    };
  if (u.uid === null)
    return {
      gid: null,
      steps: [
        step('runtime', 'gid', null, 'unknown: no runAsGroup, and the UID is unknown', rules.gid),
      ],
    };
  if (u.named === undefined) {
    const { image } = s.input;
    return {
      gid: null,
      steps: [
        step(
          'runtime',
          'gid',
          null,
          `unknown: no runAsGroup, so the primary group of UID ${u.uid} in the image's /etc/passwd decides (0 if it has no entry); /etc/passwd is not known`,
          rules.gid,
        ),
      ],
      unknowns: [
        {
          what: `GID of UID ${u.uid} in image ${image.image}`,
          reason: 'no runAsGroup and the image /etc/passwd is not known',
          dependsOn: 'runAsGroup in the securityContext, or the image registry',
        },
      ],
    };
  }
  const gid = u.named ? u.named.gid : 0;
  return {
    gid,
    steps: [
      step(
        'runtime',
        'gid',
        gid,
        u.named
          ? `GID ${gid}: primary group of ${u.named.name} in the image /etc/passwd`
          : `GID 0: UID ${u.uid} has no /etc/passwd entry`,
        rules.gid,
      ),
    ],
  };
}
