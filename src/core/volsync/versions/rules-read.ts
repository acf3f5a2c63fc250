import type { KubeObject } from '../../k8s/object.js';
import { parseMoverSpec } from '../mover-spec.js';
import type { VolsyncVersion } from './types.js';

type Rule = Exclude<keyof VolsyncVersion, 'id' | 'flavor' | 'ref'>;

/**
 * The fields of a version's table that VolSync's build of `o` reads: two versions that agree on
 * them build the same workloads for it (held to every named oracle case by rules-read.test.ts).
 * What `explain` needs to say whether an unknown version matters, without building each.
 */
export function rulesRead(o: KubeObject): Rule[] {
  if (o.kind === 'KopiaMaintenance') return ['maintenance', 'moverVolumeTypes'];
  const parsed = parseMoverSpec(o);
  if (parsed.kind === 'podless') return [];
  const m = parsed.spec;
  const rules: Rule[] = ['movers'];
  if (m.mover === 'rsync') rules.push('rsyncAlwaysPrivileged');
  if (m.moverVolumes.length > 0) rules.push('moverVolumeTypes');
  if (m.mover === 'kopia') rules.push('kopiaCacheSizeLimit');
  if (m.mover === 'kopia' && m.kind === 'ReplicationSource') rules.push('kopiaSourceMaintenance');
  return rules;
}

/** `versions` grouped by what they say for `rules`, in their order: one group, the version does not matter. */
export function versionsByRules(
  versions: readonly VolsyncVersion[],
  rules: Rule[],
): VolsyncVersion[][] {
  const groups = new Map<string, VolsyncVersion[]>();
  for (const v of versions) {
    const key = JSON.stringify(rules.map((r) => v[r] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return [...groups.values()];
}
