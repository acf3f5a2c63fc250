import { compareTags } from '../../src/core/volsync/versions/resolve-version.js';
import { oracleCases, type OracleCase } from './cases.js';
import type { OracleVersion } from './versions.js';

/** A branch head (a commit, not a tag) is newer than every tag of its flavor. */
const atLeast = (ref: string, since: string) =>
  !ref.startsWith('v') || compareTags(ref, since) >= 0;

/** The cases a version can judge: its flavor has the subject's kind and mover. */
export function casesFor(v: OracleVersion, cases: OracleCase[] = oracleCases()): OracleCase[] {
  return cases.filter(
    (c) =>
      c.flavors.includes(v.flavor) &&
      (c.since === undefined || v.flavor !== 'fork' || atLeast(v.ref, c.since)),
  );
}
