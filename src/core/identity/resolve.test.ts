import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PodSpec } from '../k8s/types.js';
import { image } from '../test-support/builders.js';
import type { ImageFacts } from './image.js';
import { resolveIdentity } from './resolve.js';

const passwd = [
  { name: 'root', uid: 0, gid: 0 },
  { name: 'app', uid: 1001, gid: 1002 },
  { name: 'web', uid: 1000, gid: 1000 },
];
const group = [
  { name: 'wheel', gid: 10, members: ['root'] },
  { name: 'media', gid: 500, members: ['app', 'web'] },
];
const ns = { name: 'ns', annotations: {}, labels: {} };
const pod = (
  sc: PodSpec['securityContext'] = {},
  csc: PodSpec['containers'][0]['securityContext'] = {},
): PodSpec => ({
  securityContext: sc,
  containers: [{ name: 'c', image: 'img', securityContext: csc }],
});
const resolve = (p: PodSpec, img: ImageFacts) =>
  resolveIdentity({
    pod: p,
    container: p.containers[0] ?? { name: 'c', image: 'img' },
    image: img,
    namespace: 'ns',
    namespaceFacts: ns,
  });

describe('image User forms, with and without /etc/passwd and /etc/group (k8s-identity §1.3)', () => {
  it.each([
    ['""', '', null, 0, null, true],
    ['"" with passwd', '', passwd, 0, 0, false],
    ['1000', '1000', null, 1000, null, true],
    ['1000 with passwd', '1000', passwd, 1000, 1000, false],
    ['1000:2000 (group ignored)', '1000:2000', null, 1000, null, true],
    ['1000:2000 with passwd (group ignored)', '1000:2000', passwd, 1000, 1000, false],
    ['4242 not in passwd → GID 0', '4242', passwd, 4242, 0, false],
    ['name without passwd', 'app', null, null, null, false],
    ['name with passwd', 'app', passwd, 1001, 1002, false],
    ['name:group with passwd (group ignored)', 'app:media', passwd, 1001, 1002, false],
  ] as const)('USER %s → uid %s', (_l, user, pw, uid, gid, groupsUnknownIfKnownGid) => {
    const r = resolve(pod(), image('img', user, pw ? [...pw] : null, pw ? group : null));
    expect(r.identity.uid).toBe(uid);
    expect(r.identity.gid).toBe(gid);
    if (gid !== null) expect(r.groupsIncomplete).toBe(groupsUnknownIfKnownGid);
  });

  it('a named user adds the groups that list it in /etc/group, unless Strict', () => {
    const img = image('img', 'app', passwd, group);
    expect(resolve(pod({ fsGroup: 3000 }), img).identity.supplementalGroups).toEqual([
      500, 1002, 3000,
    ]);
    expect(
      resolve(pod({ fsGroup: 3000, supplementalGroupsPolicy: 'Strict' }), img).identity
        .supplementalGroups,
    ).toEqual([1002, 3000]);
  });

  it('root gets the groups that list root (Alpine-style /etc/group)', () => {
    expect(resolve(pod(), image('img', '', passwd, group)).identity.supplementalGroups).toEqual([
      0, 10,
    ]);
  });

  it('a named user missing from /etc/passwd fails container creation', () => {
    const r = resolve(pod(), image('img', 'ghost', passwd, group));
    expect(r.identity.uid).toBeNull();
    expect(r.imageUserMissing).toBe('ghost');
  });

  it('an unknown image leaves the UID unknown and says what it depends on', () => {
    const r = resolve(pod(), image('img', null));
    expect(r.identity.uid).toBeNull();
    expect(r.unknowns[0]?.dependsOn).toMatch(/--image-user img=USER/);
  });

  it('runAsGroup decides the GID even when the image user is unknown to passwd', () => {
    expect(
      resolve(pod({ runAsUser: 7, runAsGroup: 3000 }), image('img', '1000:2000')).identity.gid,
    ).toBe(3000);
  });

  it('the incident: container runAsUser 0 beats pod 1000, pod runAsGroup 1000 still applies', () => {
    const r = resolve(
      pod(
        { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
        { runAsUser: 0, capabilities: { drop: ['ALL'], add: ['DAC_OVERRIDE', 'CHOWN', 'FOWNER'] } },
      ),
      image('img', '', passwd, []),
    );
    expect(r.identity).toEqual({
      uid: 0,
      gid: 1000,
      supplementalGroups: [1000],
      fsGroup: 1000,
      capabilities: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'],
      runsAsRoot: true,
    });
  });

  it('capabilities added for a non-zero UID never become effective', () => {
    const r = resolve(
      pod({}, { runAsUser: 1000, capabilities: { drop: ['ALL'], add: ['CHOWN'] } }),
      image('img', ''),
    );
    expect(r.identity.capabilities).toEqual([]);
    expect(r.ineffectiveCaps).toEqual(['CHOWN']);
  });

  it('root without drop ALL has the runtime default capabilities: unknown, not guessed', () => {
    expect(resolve(pod(), image('img', '')).identity.capabilities).toBeNull();
  });

  it.each([
    ['runAsUser 0', { runAsNonRoot: true, runAsUser: 0 }, '1000', true],
    ['image root', { runAsNonRoot: true }, '', true],
    ['image name', { runAsNonRoot: true }, 'app', true],
    ['image 1000', { runAsNonRoot: true }, '1000', false],
    ['runAsUser 5', { runAsNonRoot: true, runAsUser: 5 }, '', false],
    ['image unknown', { runAsNonRoot: true }, null, null],
  ] as const)(
    'runAsNonRoot with %s: refused=%s (kubelet verifyRunAsNonRoot)',
    (_l, sc, user, refused) => {
      expect(resolve(pod(sc), image('img', user)).runAsNonRoot.refused).toBe(refused);
    },
  );

  it('OpenShift restricted-v2 assigns the first UID of the namespace range and the fsGroup', () => {
    const os = {
      name: 'ns',
      annotations: {
        'openshift.io/sa.scc.uid-range': '1000680000/10000',
        'openshift.io/sa.scc.supplemental-groups': '1000680000/10000',
      },
      labels: {},
    };
    const p = pod();
    const r = resolveIdentity({
      pod: p,
      container: p.containers[0] ?? { name: 'c', image: 'img' },
      image: image('img', ''),
      namespace: 'ns',
      namespaceFacts: os,
    });
    expect(r.identity.uid).toBe(1000680000);
    expect(r.identity.fsGroup).toBe(1000680000);
    expect(r.uidDecidedBy).toBe('admission');
  });

  it('Pod Security judges the pod restricted-v2 defaulted: a mover that sets nothing passes restricted on OpenShift', () => {
    const os = {
      name: 'ns',
      annotations: { 'openshift.io/sa.scc.uid-range': '1000680000/10000' },
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    };
    const p = pod({}, { capabilities: { drop: ['ALL'] } });
    const r = resolveIdentity({
      pod: p,
      container: p.containers[0] ?? { name: 'c', image: 'img' },
      image: image('img', ''),
      namespace: 'ns',
      namespaceFacts: os,
    });
    expect(r.podSecurity).toMatchObject({ baseline: true, restricted: true, violations: [] });
    expect(r.admitted).toBe(true);
    // the same pod in a namespace without SCC annotations sets none of it, and restricted refuses it
    const plain = resolveIdentity({
      pod: p,
      container: p.containers[0] ?? { name: 'c', image: 'img' },
      image: image('img', ''),
      namespace: 'ns',
      namespaceFacts: { ...os, annotations: {} },
    });
    expect(plain.admitted).toBe(false);
  });

  it('property: a container runAsUser always beats the pod runAsUser', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom<string | null>('', '1000', 'app', null),
        (podUid, ctrUid, user) => {
          const r = resolve(
            pod({ runAsUser: podUid }, { runAsUser: ctrUid }),
            image('img', user, passwd, group),
          );
          return r.identity.uid === ctrUid && r.uidDecidedBy === 'container';
        },
      ),
    );
  });
});
