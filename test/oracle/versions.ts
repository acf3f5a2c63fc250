import { join } from 'node:path';

export type Flavor = 'upstream' | 'fork';

/** A VolSync version in ../shared/volsync-src: `<flavor>-<tag or commit>`. */
export interface OracleVersion {
  id: string;
  flavor: Flavor;
  /** The tag (`v0.17.7`), or the commit of a branch head (`6966ac30`). */
  ref: string;
  archive: string;
}

const src = join('..', 'shared', 'volsync-src');

const ids = [
  'upstream-v0.13.1',
  'upstream-v0.14.0',
  'upstream-v0.15.0',
  'upstream-v0.16.0',
  'upstream-5ca54dab',
  'fork-v0.15.45',
  'fork-v0.16.1',
  'fork-v0.16.12',
  'fork-v0.17.7',
  'fork-v0.17.11',
  'fork-6966ac30',
];

/** Every version the oracle knows, oldest first within each flavor. */
export const oracleVersions: OracleVersion[] = ids.map((id) => {
  const [flavor, ref] = id.split(/-(.*)/s) as [Flavor, string];
  return { id, flavor, ref, archive: join(src, `volsync-${id}.tar.gz`) };
});

/** Tags compare by number; a branch head (a commit) is newer than every tag of its flavor. */
export function refAtLeast(ref: string, since: string): boolean {
  if (!ref.startsWith('v')) return true;
  const n = (r: string) => r.slice(1).split('.').map(Number);
  const [a, b] = [n(ref), n(since)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}
