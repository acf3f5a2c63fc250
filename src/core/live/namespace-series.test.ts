import { describe, expect, it } from 'vitest';
import type { Finding, Subject } from '../report/types.js';
import { resolveNamespaceSeries } from './namespace-series.js';

const finding = (code: string, severity: Finding['severity'] = 'warning'): Finding => ({
  code,
  severity,
  message: code,
  objects: [],
  fix: '',
});

const subject = (name: string, uid: number | null, findings: Finding[] = []): Subject => ({
  kind: 'ReplicationSource',
  namespace: 'apps',
  name,
  mover: 'restic',
  privileged: uid === 0,
  containers: [
    {
      name: 'restic',
      image: 'quay.io/backube/volsync:0.13.0',
      workload: `Job/volsync-src-${name}`,
      identity: {
        uid,
        gid: uid,
        supplementalGroups: [],
        fsGroup: null,
        capabilities: [],
        runsAsRoot: uid === null ? null : uid === 0,
      },
      trace: [],
      uidDecidedBy: uid === null ? null : 'volsync',
      groupsIncomplete: false,
    },
  ],
  podSecurity: { baseline: true, restricted: false, violations: [] },
  findings,
});

describe('the series of a namespace', () => {
  it('gives each mover container an info series with its identity and the layer that decides it', () => {
    const { movers } = resolveNamespaceSeries([subject('db', 0)]);
    expect(movers).toEqual([
      {
        labels: {
          namespace: 'apps',
          kind: 'ReplicationSource',
          name: 'db',
          container: 'restic',
          mover: 'restic',
          privileged: 'true',
          uid: '0',
          gid: '0',
          decided_by: 'volsync',
        },
        value: 1,
      },
    ]);
  });

  it('says unknown for an identity that cannot be known, not a number', () => {
    const [s] = resolveNamespaceSeries([subject('db', null)]).movers;
    expect(s?.labels).toMatchObject({ uid: 'unknown', gid: 'unknown', decided_by: 'unknown' });
  });

  it('counts the subjects with each finding code and severity, once per subject', () => {
    const { findings } = resolveNamespaceSeries([
      subject('a', 0, [finding('VP001', 'error'), finding('VP001', 'error')]),
      subject('b', 0, [finding('VP001', 'error'), finding('VP003')]),
    ]);
    expect(findings).toEqual([
      { labels: { namespace: 'apps', code: 'VP001', severity: 'error' }, value: 2 },
      { labels: { namespace: 'apps', code: 'VP003', severity: 'warning' }, value: 1 },
    ]);
  });

  it('marks drift only for the findings that compare what runs with the prediction', () => {
    const { drift } = resolveNamespaceSeries([
      subject('a', 1000, [finding('VP016'), finding('VP003')]),
      subject('b', 1000, [finding('VP025')]),
    ]);
    expect(drift.map((d) => `${d.labels['name'] ?? ''} ${d.labels['code'] ?? ''}`)).toEqual([
      'a VP016',
      'b VP025',
    ]);
  });
});
