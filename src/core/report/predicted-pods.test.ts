import { describe, expect, it } from 'vitest';
import { namespace, rs, snapshotOf, withSc } from '../test-support/builders.js';
import { predictMoverPods } from './predicted-pods.js';

const labelsOf = (m: Record<string, unknown>) =>
  (m['metadata'] as { labels: Record<string, string> }).labels;

describe('predictMoverPods', () => {
  it("labels a Job mover's predicted pod as the job controller labels the real one", () => {
    const snapshot = snapshotOf([
      namespace('apps'),
      rs('db', 'restic', { repository: 'r', ...withSc({ runAsUser: 1000 }) }, 'apps'),
    ]);
    const [pod] = predictMoverPods(snapshot, { all: false, namespace: 'apps' });
    expect(labelsOf(pod?.manifest ?? {})).toEqual({
      'app.kubernetes.io/created-by': 'volsync',
      'batch.kubernetes.io/job-name': 'volsync-src-db',
      'job-name': 'volsync-src-db',
      'volsync-perms.io/dry-run': 'true',
    });
  });

  it('gives the syncthing Deployment pod no Job labels', () => {
    const snapshot = snapshotOf([namespace('apps'), rs('sync', 'syncthing', {}, 'apps')]);
    const [pod] = predictMoverPods(snapshot, { all: false, namespace: 'apps' });
    expect(labelsOf(pod?.manifest ?? {})).not.toHaveProperty('job-name');
  });
});
