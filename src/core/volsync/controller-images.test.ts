import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import {
  compiledDefaultImage,
  isVolSyncController,
  resolveControllerImages,
} from './controller-images.js';

const controller = (args: string[], env: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'volsync', namespace: 'volsync-system' },
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'kube-rbac-proxy', image: 'proxy:1', args: ['--secure-listen-address=:8443'] },
          {
            name: 'manager',
            image: 'quay.io/backube/volsync:0.17.0',
            command: ['/manager'],
            args,
            env: [
              { name: 'VOLSYNC_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'x' } } },
              ...Object.entries(env).map(([name, value]) => ({ name, value })),
            ],
          },
        ],
      },
    },
  },
});

describe('mover images from the VolSync controller (volsync-semantics §5)', () => {
  it('reads the upstream Helm chart flags; kopia falls back to the compiled default', () => {
    const { images } = resolveControllerImages(
      controller([
        '--leader-elect',
        '--rclone-container-image=quay.io/backube/volsync:0.17.0',
        '--restic-container-image=quay.io/backube/volsync:0.17.0',
        '--rsync-container-image=quay.io/backube/volsync:0.17.0',
        '--rsync-tls-container-image=quay.io/backube/volsync:0.17.0',
        '--syncthing-container-image=quay.io/backube/volsync:0.17.0',
      ]),
    );
    expect(images.restic).toBe('quay.io/backube/volsync:0.17.0');
    expect(images.kopia).toBe(compiledDefaultImage);
  });

  it('the fork: KopiaMaintenance reads only RELATED_IMAGE_KOPIA_CONTAINER, never the flag', () => {
    const flagOnly = resolveControllerImages(
      controller(['--kopia-container-image=ghcr.io/perfectra1n/volsync:0.17.11']),
    ).images;
    expect([flagOnly.kopia, flagOnly['kopia-maintenance']]).toEqual([
      'ghcr.io/perfectra1n/volsync:0.17.11',
      compiledDefaultImage,
    ]);
    const both = resolveControllerImages(
      controller(['--kopia-container-image=ghcr.io/a:1'], {
        RELATED_IMAGE_KOPIA_CONTAINER: 'ghcr.io/b:2',
      }),
    ).images;
    expect([both.kopia, both['kopia-maintenance']]).toEqual(['ghcr.io/a:1', 'ghcr.io/b:2']);
  });

  it.each([
    [
      'the flag before the env (OLM sets env)',
      ['--restic-container-image=a:1'],
      { RELATED_IMAGE_RESTIC_CONTAINER: 'b:2' },
      'a:1',
    ],
    ['the env when no flag', [], { RELATED_IMAGE_RESTIC_CONTAINER: 'b:2' }, 'b:2'],
    ['a flag with its value as the next argument', ['--restic-container-image', 'c:3'], {}, 'c:3'],
  ])('restic image: %s', (_l, args, env, want) => {
    const o = controller(args, env);
    expect(isVolSyncController(o)).toBe(true);
    expect(resolveControllerImages(o).images.restic).toBe(want);
  });

  it('a Deployment that names no mover image is not the controller', () => {
    expect(isVolSyncController(controller(['--leader-elect']))).toBe(false);
  });
});
