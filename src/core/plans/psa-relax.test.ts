import { describe, expect, it } from 'vitest';
import type { PodSecurityLevel } from '../admission/pod-security.js';
import { judgedAtLevelBefore } from './psa-relax.js';

const restrictedRejection =
  'pods "x" is forbidden: violates PodSecurity "restricted:v1.31": runAsUser=0 (container "fix-ownership" must not set runAsUser=0)';

describe('judgedAtLevelBefore: a rejection after relaxing that is the admission cache behind', () => {
  it.each<[string, string, PodSecurityLevel | undefined, boolean]>([
    ['names the level the namespace had', restrictedRejection, 'restricted', true],
    [
      'at the latest version too',
      'violates PodSecurity "restricted:latest": ...',
      'restricted',
      true,
    ],
    ['names another level than the one before', restrictedRejection, 'privileged', false],
    [
      'baseline had no other level: its rejection is its own',
      'violates PodSecurity "baseline:latest": hostPath',
      'baseline',
      false,
    ],
    [
      'a webhook is not a cache behind',
      'admission webhook "policy" denied the request',
      'restricted',
      false,
    ],
    ['an unreadable level before decides nothing', restrictedRejection, undefined, false],
  ])('%s', (_what, message, before, stale) => {
    expect(judgedAtLevelBefore(message, before)).toBe(stale);
  });
});
