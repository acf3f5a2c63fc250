import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casesFor } from './case-selection.js';
import { runVersion } from './harness/run-version.js';
import { oracleVersions } from './versions.js';

/**
 * `npm run oracle:record` (ORACLE_RECORD=1): the real controllers judge the named case table and
 * what they created becomes test/oracle/records/<version>/<case>.json, which npm test compares
 * the predictions with. ORACLE_VERSIONS=a,b limits the versions.
 */
const wanted = (process.env['ORACLE_VERSIONS'] ?? '').split(',').filter(Boolean);
const versions = oracleVersions.filter((v) => wanted.length === 0 || wanted.includes(v.id));

describe.runIf(process.env['ORACLE_RECORD'] === '1')('recording the real controllers', () => {
  it.each(versions.map((v) => [v.id, v] as const))(
    'records what %s creates for every case',
    async (_, v) => {
      const cases = casesFor(v);
      const run = await runVersion(v, cases);
      const dir = join('test/oracle/records', v.id);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const r of run.records)
        writeFileSync(join(dir, `${r.case}.json`), JSON.stringify(r, null, 2) + '\n');
      process.stderr.write(
        `${v.id}: ${cases.length} cases, build ${run.buildSeconds.toFixed(0)} s, run ${run.runSeconds.toFixed(0)} s\n`,
      );
      expect(run.records).toHaveLength(cases.length);
    },
  );
});
