import { unreadId } from '../../kopiur/unknown-ids.js';
import type { RuntimeUser } from './runtime-user.js';
import { podSecurityContextOf, rules, step, type LayerResult, type ResolveState } from './state.js';

export interface RuntimeGroups {
  fsGroup: number | null;
  groups: number[] | null;
  /** /etc/group memberships could add groups that are not known. */
  groupsIncomplete: boolean;
  fsGroupUnknown?: true;
}

/**
 * Every group the process holds: the primary GID, fsGroup (always, whatever the volumes),
 * supplementalGroups, and the /etc/group memberships of a named user unless the policy is
 * Strict (§0 rule 4, §2.1).
 */
export function resolveRuntimeGroups(
  s: ResolveState,
  u: RuntimeUser,
  gid: number | null,
): LayerResult<RuntimeGroups> & RuntimeGroups {
  const psc = podSecurityContextOf(s);
  const { image } = s.input;
  const unread = unreadId(s.input.kopiur, 'fsGroup');
  const fsGroupUnread = unread !== undefined;
  const fsGroup = fsGroupUnread ? null : (psc.fsGroup ?? s.scc?.fsGroup ?? null);
  if (gid === null || fsGroupUnread) {
    // what is certain stays: the known primary GID, fsGroup and supplementalGroups are held
    const known = [
      ...new Set([
        ...(gid === null ? [] : [gid]),
        ...(fsGroup === null ? [] : [fsGroup]),
        ...(psc.supplementalGroups ?? []),
      ]),
    ].sort((a, b) => a - b);
    const open = [
      ...(gid === null
        ? ['the primary GID is unknown, and so are its /etc/group memberships']
        : []),
      ...(fsGroupUnread ? [`fsGroup is unknown (${unread})`] : []),
    ].join('; ');
    return {
      fsGroup,
      groups: known,
      groupsIncomplete: true,
      ...(fsGroupUnread && { fsGroupUnknown: true }),
      steps: [
        step(
          'runtime',
          'supplementalGroups',
          known,
          `${known.length > 0 ? (fsGroupUnread ? 'these for certain' : 'fsGroup and supplementalGroups for certain') : 'none known for certain'}; ${open}`,
          rules.groups,
        ),
      ],
    };
  }
  const set = new Set<number>([
    gid,
    ...(fsGroup === null ? [] : [fsGroup]),
    ...(psc.supplementalGroups ?? []),
  ]);
  const strict = psc.supplementalGroupsPolicy === 'Strict';
  let note = strict ? 'supplementalGroupsPolicy Strict: no /etc/group memberships' : '';
  let groupsIncomplete = false;
  const unknowns = [];
  if (!strict) {
    if (u.named === null)
      note = `UID ${u.uid ?? '?'} has no name in /etc/passwd: no /etc/group memberships`;
    else if (u.named === undefined || image.group === null) {
      groupsIncomplete = true;
      note = 'may also hold the groups that list the user in the image /etc/group (not known)';
      unknowns.push({
        what: `/etc/group memberships in image ${image.image}`,
        reason: 'the image /etc/group is not known',
        dependsOn: 'the image registry, or supplementalGroupsPolicy: Strict',
      });
    } else {
      const member = u.named.name;
      for (const g of image.group) if (g.members.includes(member)) set.add(g.gid);
      note = `with /etc/group memberships of ${member}`;
    }
  }
  const groups = [...set].sort((a, b) => a - b);
  return {
    fsGroup,
    groups,
    groupsIncomplete,
    steps: [
      step(
        'runtime',
        'supplementalGroups',
        groups,
        `primary GID, fsGroup and supplementalGroups; ${note}`,
        rules.groups,
      ),
    ],
    unknowns,
  };
}
