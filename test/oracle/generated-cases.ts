import fc from 'fast-check';
import {
  annotations,
  moverCase,
  securityContexts,
  type AnnotationKey,
  type Mover,
  type MoverCaseOptions,
  type OracleCase,
} from './cases.js';
import type { Flavor } from './versions.js';

const moversOf = (flavor: Flavor): Mover[] =>
  flavor === 'fork'
    ? ['restic', 'rclone', 'rsync', 'rsync-tls', 'syncthing', 'kopia']
    : ['restic', 'rclone', 'rsync', 'rsync-tls', 'syncthing'];

/** Any mover case a flavor can run: every field of MoverCaseOptions drawn independently. */
export function moverCaseOptions(flavor: Flavor): fc.Arbitrary<MoverCaseOptions> {
  return fc
    .record({
      mover: fc.constantFrom(...moversOf(flavor)),
      dir: fc.constantFrom('src' as const, 'dst' as const),
      annotation: fc.constantFrom(...(Object.keys(annotations) as AnnotationKey[])),
      sc: fc.constantFrom(...Object.keys(securityContexts)),
      serviceAccount: fc.boolean(),
      podLabels: fc.boolean(),
      volumes: fc.boolean(),
      longName: fc.boolean(),
      psa: fc.constantFrom(undefined, 'restricted' as const, 'baseline' as const),
    })
    .map((o) => ({ ...o, dir: o.mover === 'syncthing' ? ('src' as const) : o.dir }));
}

/** `count` generated cases from `seed`, each in its own namespace. */
export function generatedCases(
  flavor: Flavor,
  seed: number,
  count: number,
): { options: MoverCaseOptions; case: OracleCase }[] {
  return fc.sample(moverCaseOptions(flavor), { seed, numRuns: count }).map((options, i) => {
    const o = { ...options, prefix: `g${i}-` };
    return { options: o, case: moverCase(o) };
  });
}
