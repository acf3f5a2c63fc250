import { oracleCases, type OracleCase } from './cases.js';
import { refAtLeast, type OracleVersion } from './versions.js';

/** The cases a version can judge: its flavor has the subject's kind and mover. */
export function casesFor(v: OracleVersion, cases: OracleCase[] = oracleCases()): OracleCase[] {
  return cases.filter(
    (c) =>
      c.flavors.includes(v.flavor) &&
      (c.since === undefined || v.flavor !== 'fork' || refAtLeast(v.ref, c.since)),
  );
}
