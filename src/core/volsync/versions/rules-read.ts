import type { KubeObject } from '../../k8s/object.js';
import { parseKopiaMaintenance, type KopiaMaintenanceSpec } from '../kopia-maintenance.js';
import { parseMoverSpec, type MoverSpec, type MoverVolume } from '../mover-spec.js';
import type { VolsyncVersion } from './types.js';

/** One rule of a version's table as a subject's build reads it. */
export interface RuleRead {
  /** Equal for two versions exactly when the rule builds this subject alike. */
  key(v: VolsyncVersion): string;
  /** What the version does, in a few words, for the finding. */
  says(v: VolsyncVersion): string;
}

function moverVolumesRule(
  volumes: MoverVolume[],
  types: (v: VolsyncVersion) => string[],
): RuleRead {
  const list = (v: VolsyncVersion) =>
    volumes.filter((mv) => types(v).includes(mv.volume.type)).map((mv) => mv.mountPath);
  return {
    key: (v) => list(v).join(','),
    says: (v) => `moverVolumes mounted: ${list(v).join(', ') || 'none'}`,
  };
}

function moverRules(m: MoverSpec): RuleRead[] {
  const rules: RuleRead[] = [];
  if (m.mover === 'rsync')
    rules.push({
      key: (v) => String(v.rsyncAlwaysPrivileged),
      says: (v) =>
        v.rsyncAlwaysPrivileged
          ? 'legacy rsync always privileged'
          : 'legacy rsync privileged only by the annotation',
    });
  if (m.moverVolumes.length > 0)
    rules.push(moverVolumesRule(m.moverVolumes, (v) => v.moverVolumeTypes));
  if (m.mover === 'kopia')
    rules.push({
      key: (v) => v.kopiaCacheSizeLimit ?? '',
      says: (v) => `cache emptyDir sizeLimit ${v.kopiaCacheSizeLimit ?? 'none'}`,
    });
  // v0.16.1 labels the CronJob with the source's name: past 63 characters none is created
  if (m.mover === 'kopia' && m.kind === 'ReplicationSource' && m.name.length <= 63)
    rules.push({
      key: (v) => String(v.kopiaSourceMaintenance === true),
      says: (v) =>
        v.kopiaSourceMaintenance === true
          ? 'a maintenance CronJob of its own, as UID 1000'
          : 'no maintenance CronJob of its own',
    });
  return rules;
}

function maintenanceRules(k: KopiaMaintenanceSpec): RuleRead[] {
  return [
    {
      key: (v) => v.maintenance?.cacheSizeLimit ?? 'none',
      says: (v) =>
        v.maintenance
          ? `cache emptyDir sizeLimit ${v.maintenance.cacheSizeLimit}`
          : 'no KopiaMaintenance controller: nothing runs',
    },
    ...(k.moverVolumes.length > 0
      ? [
          moverVolumesRule(k.moverVolumes, (v) =>
            v.maintenance?.moverVolumes ? v.moverVolumeTypes : [],
          ),
        ]
      : []),
  ];
}

/**
 * The rules of a version's table that VolSync's build of a subject reads, each keyed so that two
 * versions agree on every key exactly when they build the subject's workloads alike (held both
 * ways to every named oracle case by test/oracle/rules-read.test.ts): `explain` tells whether an
 * unknown version matters without building the subject once per version.
 */
export function rulesRead(s: {
  mover?: MoverSpec;
  maintenance?: KopiaMaintenanceSpec;
}): RuleRead[] {
  if (s.maintenance) return maintenanceRules(s.maintenance);
  return s.mover ? moverRules(s.mover) : [];
}

/** rulesRead of a VolSync object as written. */
export function rulesReadOf(o: KubeObject): RuleRead[] {
  if (o.kind === 'KopiaMaintenance') return rulesRead({ maintenance: parseKopiaMaintenance(o) });
  const parsed = parseMoverSpec(o);
  return parsed.kind === 'podless' ? [] : rulesRead({ mover: parsed.spec });
}

/** `versions` grouped by the keys of `rules`, in their order: one group, the version does not matter. */
export function versionsByRules(
  versions: readonly VolsyncVersion[],
  rules: RuleRead[],
): VolsyncVersion[][] {
  const groups = new Map<string, VolsyncVersion[]>();
  for (const v of versions) {
    const key = JSON.stringify(rules.map((r) => r.key(v)));
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return [...groups.values()];
}
