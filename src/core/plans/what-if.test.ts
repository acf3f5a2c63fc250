import { describe, expect, it } from 'vitest';
import { resolveSubjectReport } from '../report/resolve-report.js';
import { offlineSnapshot } from '../snapshot.js';
import { parseYamlText } from '../../adapters/manifests/parse-yaml.js';
import { demoFile, demoManifests } from '../../adapters/manifests/demo-manifests.js';
import { defaultMoverImages, knownImages } from '../identity/known-images.js';
import { withMoverRunAsUser, withPrivilegedMovers } from './what-if.js';

const demo = offlineSnapshot(
  parseYamlText(demoManifests, demoFile).objects,
  [],
  knownImages,
  defaultMoverImages,
);
const bookstack = { kind: 'ReplicationSource', namespace: 'default', name: 'bookstack' };
const uid = (s: typeof demo) =>
  resolveSubjectReport(s, bookstack)?.subjects[0]?.containers[0]?.identity.uid;

describe('what-if snapshots', () => {
  it('the demo bookstack mover runs as 0 with the annotation, and as its moverSecurityContext 1000 without it', () => {
    expect(uid(demo)).toBe(0);
    expect(uid(withPrivilegedMovers(demo, 'default', false))).toBe(1000);
    expect(
      uid(withPrivilegedMovers(withPrivilegedMovers(demo, 'default', false), 'default', true)),
    ).toBe(0);
  });

  it('a runAsUser what-if decides the UID only while the mover is unprivileged', () => {
    expect(uid(withMoverRunAsUser(demo, bookstack, 568))).toBe(0);
    expect(
      uid(withMoverRunAsUser(withPrivilegedMovers(demo, 'default', false), bookstack, 568)),
    ).toBe(568);
  });

  it('leaves the input snapshot as it was', () => {
    const before = JSON.stringify(demo);
    withMoverRunAsUser(withPrivilegedMovers(demo, 'default', false), bookstack, 5);
    expect(JSON.stringify(demo)).toBe(before);
  });
});
