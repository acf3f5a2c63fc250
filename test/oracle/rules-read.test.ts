import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s/object.js';
import { rulesReadOf, versionsByRules } from '../../src/core/volsync/versions/rules-read.js';
import { findVersion } from '../../src/core/volsync/versions/index.js';
import { casesFor } from './case-selection.js';
import { oracleCases } from './cases.js';
import { canonical, predictCase } from './predict.js';
import { oracleVersions } from './versions.js';

/**
 * rulesRead keys the rules of a version's table a build reads: versions it puts in one group
 * must build the same workloads, for every named case (else explain would miss a version that
 * matters), and versions in two groups must build otherwise (else VP026 would speak of a
 * difference that is not there).
 */
describe('versions agree on the rules a build reads exactly when they build it alike', () => {
  it.each(oracleCases().map((c) => [c.id, c] as const))('%s', (_, c) => {
    const versions = oracleVersions
      .filter((v) => casesFor(v, [c]).length > 0)
      .map((v) => findVersion(v.id))
      .filter((v) => v !== undefined);
    const groups = versionsByRules(versions, rulesReadOf(c.objects[0] as unknown as KubeObject));
    const build = (g: typeof versions) =>
      canonical(predictCase(c, (g[0] as (typeof versions)[0]).id));
    for (const g of groups) {
      const builds = new Set(g.map((v) => canonical(predictCase(c, v.id))));
      expect(builds.size, `one group builds alike: ${g.map((v) => v.id).join(', ')}`).toBe(1);
    }
    const distinct = new Set(groups.map(build));
    expect(distinct.size, 'two groups never build alike').toBe(groups.length);
  });
});
