import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { resolveReport } from '../report/resolve-report.js';
import { namespace, rs, snapshotOf, withSc } from '../test-support/builders.js';
import { findVersion } from '../volsync/versions/index.js';

const nfs = {
  moverVolumes: [{ mountPath: 'repo', volumeSource: { nfs: { server: 'nas', path: '/kopia' } } }],
};
const sc = withSc({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });

function vp026(objects: KubeObject[], versionId?: string) {
  const version = versionId === undefined ? undefined : findVersion(versionId);
  const snapshot = {
    ...snapshotOf([namespace('apps'), ...objects]),
    ...(version && { volsyncVersion: { version, source: 'the test', assumed: false } }),
  };
  return resolveReport(snapshot, { all: true }).subjects.flatMap((s) =>
    s.findings.filter((f) => f.code === 'VP026'),
  );
}

describe('VP026: an assumed version, and the versions it could be build otherwise', () => {
  it('a mover with an NFS moverVolume: mounted only from upstream v0.15.0 and fork v0.17.11 on', () => {
    const [f] = vp026([rs('db', 'restic', { repository: 'r', ...sc, ...nfs }, 'apps')]);
    expect(f?.severity).toBe('info');
    expect(f?.message).toBe(
      'ReplicationSource db: which VolSync runs is not known; the prediction is for fork-6966ac30 (moverVolumes mounted: repo), and other versions build it otherwise: upstream-v0.13.1, upstream-v0.14.0, fork-v0.15.45, fork-v0.16.1, fork-v0.16.12, fork-v0.17.7: moverVolumes mounted: none',
    );
    expect(f?.fix).toContain('--volsync-version');
  });

  it('a restic mover without moverVolumes: every version builds it alike, nothing to say', () => {
    expect(vp026([rs('db', 'restic', { repository: 'r', ...sc }, 'apps')])).toEqual([]);
  });

  it('a kopia source: only fork versions are plausible, and v0.16.1 gives it a maintenance CronJob', () => {
    const [f] = vp026([rs('db', 'kopia', { repository: 'r', ...sc }, 'apps')]);
    expect(f?.message).toMatch(
      /\(cache emptyDir sizeLimit 8Gi; no maintenance CronJob of its own\), and other versions build it otherwise: fork-v0\.16\.1: a maintenance CronJob of its own, as UID 1000$/,
    );
    expect(f?.message).not.toContain('upstream');
  });

  it('a version that is said (the controller, --volsync-version) leaves nothing to say', () => {
    expect(
      vp026([rs('db', 'restic', { repository: 'r', ...sc, ...nfs }, 'apps')], 'fork-v0.17.7'),
    ).toEqual([]);
  });
});
