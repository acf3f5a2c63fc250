// The generated tree of bench/explain-files.mjs (and of the test that keeps its output identical):
// VolSync movers of four kinds in directories of one namespace each.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function moverDoc(ns, i, unique) {
  // the same ten names in every namespace, as a template stamps them; or a name of its own each
  const name = unique ? `${ns}-app-${i}` : `app-${i}`;
  const source = i % 2 === 0;
  // i/2 rather than i, so both kinds meet every mover (i%2 and i%4 would pair them up).
  const mover = ['kopia', 'restic', 'rclone', 'rsyncTLS'][Math.floor(i / 2) % 4];
  const where =
    mover === 'rclone'
      ? `rcloneConfig: ${name}-secret\n    rcloneDestPath: bucket/${name}`
      : `repository: ${name}-secret`;
  return `apiVersion: volsync.backube/v1alpha1
kind: ${source ? 'ReplicationSource' : 'ReplicationDestination'}
metadata:
  name: ${name}
  namespace: ${ns}
spec:${source ? `\n  sourcePVC: ${name}\n  trigger:\n    schedule: "0 * * * *"` : ''}
  ${mover}:
    ${where}${source ? '' : `\n    destinationPVC: ${name}\n    copyMethod: Direct`}
    moverSecurityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }
`;
}

/**
 * Writes `namespaces` directories of a Namespace (every tenth privileged) and `movers` movers each;
 * `unique` names every mover after its namespace, so no two share a shape (report/mover-shapes.ts).
 */
export function generateMovers(dir, namespaces, movers, { unique = false } = {}) {
  for (let n = 0; n < namespaces; n++) {
    const ns = `ns-${String(n).padStart(4, '0')}`;
    mkdirSync(join(dir, ns));
    const privileged = n % 10 === 0;
    const annotation = '\n  annotations:\n    volsync.backube/privileged-movers: "true"';
    const nsDoc = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}`;
    writeFileSync(join(dir, ns, 'namespace.yaml'), `${nsDoc}${privileged ? annotation : ''}\n`);
    const docs = Array.from({ length: movers }, (_, i) => moverDoc(ns, i, unique));
    writeFileSync(join(dir, ns, 'movers.yaml'), docs.join('---\n'));
  }
}
