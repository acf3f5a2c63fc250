import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s/object.js';
import { rulesRead, versionsByRules } from '../../src/core/volsync/versions/rules-read.js';
import { findVersion } from '../../src/core/volsync/versions/index.js';
import { casesFor } from './case-selection.js';
import { oracleCases } from './cases.js';
import { canonical, predictCase } from './predict.js';
import { oracleVersions } from './versions.js';

/**
 * rulesRead says which fields of a version's table a build reads: versions it puts in one group
 * must build the same workloads, for every named case (else explain would miss a version that
 * matters); and the grouping must not be coarser than the builds are.
 */
describe('rulesRead names every version rule a build reads', () => {
  it.each(oracleCases().map((c) => [c.id, c] as const))('%s', (_, c) => {
    const versions = oracleVersions
      .filter((v) => casesFor(v, [c]).length > 0)
      .map((v) => findVersion(v.id))
      .filter((v) => v !== undefined);
    const groups = versionsByRules(versions, rulesRead(c.objects[0] as unknown as KubeObject));
    for (const g of groups) {
      const builds = new Set(g.map((v) => canonical(predictCase(c, v.id))));
      expect(builds.size, g.map((v) => v.id).join(', ')).toBe(1);
    }
  });
});
