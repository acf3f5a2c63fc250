import { describe, expect, it } from 'vitest';
import type { Finding, Subject } from '../report/types.js';
import { findFindingChanges } from './finding-changes.js';

const finding = (code: string, message = code): Finding => ({
  code,
  severity: 'error',
  message,
  objects: [],
  fix: '',
});

const subject = (name: string, findings: Finding[]): Subject => ({
  kind: 'ReplicationSource',
  namespace: 'apps',
  name,
  mover: 'restic',
  privileged: null,
  containers: [],
  podSecurity: { baseline: null, restricted: null, violations: [] },
  findings,
});

const changes = (before: Subject[], after: Subject[]) =>
  findFindingChanges(before, after).map((c) => `${c.change} ${c.subject.name} ${c.finding.code}`);

describe('the findings that appear and clear between two states', () => {
  it.each<[string, Subject[], Subject[], string[]]>([
    [
      'none when nothing changes',
      [subject('a', [finding('VP001')])],
      [subject('a', [finding('VP001')])],
      [],
    ],
    [
      'raised when a code appears',
      [subject('a', [])],
      [subject('a', [finding('VP001')])],
      ['raised a VP001'],
    ],
    [
      'cleared when a code goes',
      [subject('a', [finding('VP001')])],
      [subject('a', [])],
      ['cleared a VP001'],
    ],
    [
      'neither when only the message changes (another mover joins the list)',
      [subject('a', [finding('VP001', 'one mover')])],
      [subject('a', [finding('VP001', 'two movers')])],
      [],
    ],
    ['raised for a new subject', [], [subject('b', [finding('VP003')])], ['raised b VP003']],
    [
      'cleared for a subject that is gone',
      [subject('b', [finding('VP003')])],
      [],
      ['cleared b VP003'],
    ],
    [
      'raised before cleared, each in subject and code order',
      [subject('b', [finding('VP002')]), subject('a', [finding('VP009')])],
      [subject('b', [finding('VP003'), finding('VP001')]), subject('a', [])],
      ['raised b VP001', 'raised b VP003', 'cleared a VP009', 'cleared b VP002'],
    ],
  ])('%s', (_what, before, after, want) => {
    expect(changes(before, after)).toEqual(want);
  });
});
