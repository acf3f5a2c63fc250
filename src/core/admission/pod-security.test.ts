import { describe, expect, it } from 'vitest';
import type { PodSpec } from '../k8s/types.js';
import { resolvePodSecurity } from './pod-security.js';

const hardened = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
};
const pod = (
  p: Partial<PodSpec>,
  csc: PodSpec['containers'][0]['securityContext'] = hardened,
): PodSpec => ({ containers: [{ name: 'm', image: 'i', securityContext: csc }], ...p });

describe('Pod Security levels that admit a pod spec (k8s-identity §6)', () => {
  it.each([
    ['unprivileged mover without moverSecurityContext', pod({}), true, false],
    [
      'unprivileged mover with runAsNonRoot and RuntimeDefault seccomp',
      pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }),
      true,
      true,
    ],
    [
      'privileged mover (runAsUser 0, CHOWN/DAC_OVERRIDE/FOWNER)',
      pod(
        {},
        {
          ...hardened,
          runAsUser: 0,
          capabilities: { drop: ['ALL'], add: ['DAC_OVERRIDE', 'CHOWN', 'FOWNER'] },
        },
      ),
      true,
      false,
    ],
    [
      'DAC_READ_SEARCH is beyond baseline',
      pod({}, { ...hardened, capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] } }),
      false,
      false,
    ],
    [
      'lower-case cap names fail baseline (exact strings)',
      pod({}, { ...hardened, capabilities: { drop: ['ALL'], add: ['chown'] } }),
      false,
      false,
    ],
    ['privileged: true', pod({}, { privileged: true }), false, false],
    ['hostPath volume', pod({ volumes: [{ name: 'h', type: 'hostPath' }] }), false, false],
    [
      'inline nfs passes baseline, fails restricted',
      pod({
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        volumes: [{ name: 'n', type: 'nfs' }],
      }),
      true,
      false,
    ],
    [
      'pod runAsUser 0 fails restricted even when overridden',
      pod(
        {
          securityContext: {
            runAsUser: 0,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
        { ...hardened, runAsUser: 1000 },
      ),
      true,
      false,
    ],
    [
      'Unconfined seccomp fails baseline',
      pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }),
      false,
      false,
    ],
  ] as const)('%s → baseline=%s restricted=%s', (_l, p, baseline, restricted) => {
    const v = resolvePodSecurity(p);
    expect(v.baseline).toBe(baseline);
    expect(v.restricted).toBe(restricted);
    expect(v.violations.length === 0).toBe(baseline && restricted);
  });
});
