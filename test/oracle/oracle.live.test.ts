import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casesFor } from './case-selection.js';
import { generatedCases } from './generated-cases.js';
import type { CaseRecord } from './harness/read-back.js';
import { runVersion } from './harness/run-version.js';
import { canonical, predictCase, projectRecord } from './predict.js';
import { oracleVersions } from './versions.js';

/**
 * `npm run test:oracle` (CI): the real controllers of one fork and one upstream version, built
 * from ../shared/volsync-src, judge the named cases and 300 generated ones per version. The named
 * cases must also match the committed records, so the records the unit tests read cannot rot.
 * ORACLE_VERSIONS picks the versions, ORACLE_SEED the generated cases (printed on a failure).
 */
const wanted = (process.env['ORACLE_VERSIONS'] ?? 'fork-v0.17.7,upstream-5ca54dab').split(',');
const seed = Number(process.env['ORACLE_SEED'] ?? Date.now() % 1_000_000);
const count = Number(process.env['ORACLE_CASES'] ?? 300);
const versions = oracleVersions.filter((v) => wanted.includes(v.id));

describe.skipIf(process.env['ORACLE_RECORD'] === '1')('the real controllers judge', () => {
  it.each(versions.map((v) => [v.id, v] as const))(
    '%s builds what the tool predicts, for the named and generated cases',
    async (id, v) => {
      const named = casesFor(v);
      const generated = generatedCases(v.flavor, seed, count);
      const run = await runVersion(v, [...named, ...generated.map((g) => g.case)]);
      process.stderr.write(
        `${id}: ${named.length} named + ${generated.length} generated cases (seed ${seed}), build ${run.buildSeconds.toFixed(0)} s, run ${run.runSeconds.toFixed(0)} s\n`,
      );
      const byCase = new Map(run.records.map((r) => [r.case, r]));
      const disagreements: string[] = [];
      for (const c of named) {
        const live = byCase.get(c.id) as CaseRecord;
        const recorded = JSON.parse(
          readFileSync(join('test/oracle/records', id, `${c.id}.json`), 'utf8'),
        ) as CaseRecord;
        if (canonical(projectRecord(live)) !== canonical(projectRecord(recorded)))
          disagreements.push(
            `${c.id}: the controller now builds other than its record (npm run oracle:record)`,
          );
        expect(predictCase(c, id)).toEqual(projectRecord(live));
      }
      for (const g of generated) {
        const live = byCase.get(g.case.id) as CaseRecord;
        if (canonical(predictCase(g.case, id)) !== canonical(projectRecord(live)))
          disagreements.push(`seed ${seed}: ${JSON.stringify(g.options)}`);
      }
      expect(disagreements).toEqual([]);
    },
  );
});
