import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casesFor } from './case-selection.js';
import type { CaseRecord } from './harness/read-back.js';
import { explainRealWorkloads, predictCase, projectRecord } from './predict.js';
import { oracleVersions } from './versions.js';

/**
 * The recorded truth (npm run oracle:record): for every version in ../shared/volsync-src, what
 * its real controller created for each named case equals, field by field, what the tool
 * predicts. CI re-records two versions live (npm run test:oracle), so these cannot rot.
 */
describe.each(oracleVersions.map((v) => [v.id, v] as const))('VolSync %s', (id, v) => {
  const dir = join('test/oracle/records', id);
  const cases = casesFor(v);

  it('has a record of every case it can judge', () => {
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(cases.map((c) => `${c.id}.json`).sort());
  });

  it.each(cases.map((c) => [c.id, c] as const))(
    'builds what the real controller builds: %s',
    (_, c) => {
      const record = JSON.parse(readFileSync(join(dir, `${c.id}.json`), 'utf8')) as CaseRecord;
      expect(predictCase(c, id)).toEqual(projectRecord(record));
    },
  );

  it.each(cases.map((c) => [c.id, c] as const))(
    'effective-uid of each workload it created is its mover, with the predicted identity and no VP025: %s',
    (_, c) => {
      const record = JSON.parse(readFileSync(join(dir, `${c.id}.json`), 'utf8')) as CaseRecord;
      for (const w of explainRealWorkloads(c, record, id)) {
        expect(w.explained, w.ref).toEqual({
          subject: `${c.subject.kind}/${c.subject.name}`,
          identity: w.predicted,
        });
        expect(w.codes, w.ref).not.toContain('VP025');
      }
    },
  );
});
