import type { ImageFacts } from '../identity/image.js';
import type { KubeObject } from '../k8s/object.js';
import type { PodSecurityContext } from '../k8s/types.js';
import type { Snapshot } from '../snapshot.js';
import { offlineSnapshot } from '../snapshot.js';
import { defaultMoverImages, knownImages } from '../identity/known-images.js';

/** Builders for test objects (krew's testutil style): small defaults, overrides per case. */
export function namespace(
  name: string,
  annotations: Record<string, string> = {},
  labels: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, annotations, labels } };
}

export function replication(
  kind: 'ReplicationSource' | 'ReplicationDestination',
  name: string,
  specKey: string,
  mover: Record<string, unknown> = {},
  ns = 'default',
): KubeObject {
  const spec: Record<string, unknown> = { [specKey]: mover };
  if (kind === 'ReplicationSource') spec['sourcePVC'] = name;
  return { apiVersion: 'volsync.backube/v1alpha1', kind, metadata: { name, namespace: ns }, spec };
}

/** The VolSync controller Deployment as the Helm chart lays it out, with its restic image flag. */
export const volsyncController = (image = 'quay.io/backube/volsync:0.13.0'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'volsync',
    namespace: 'volsync-system',
    labels: { 'app.kubernetes.io/name': 'volsync' },
  },
  spec: {
    template: {
      spec: {
        containers: [{ name: 'manager', image, args: [`--restic-container-image=${image}`] }],
      },
    },
  },
});

export const rs = (
  name: string,
  specKey: string,
  mover: Record<string, unknown> = {},
  ns = 'default',
) => replication('ReplicationSource', name, specKey, mover, ns);

export function withSc(sc: PodSecurityContext | undefined): Record<string, unknown> {
  return sc === undefined ? {} : { moverSecurityContext: sc };
}

export function deployment(name: string, ns: string, podSpec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { template: { spec: podSpec } },
  };
}

export function snapshotOf(objects: KubeObject[], images: ImageFacts[] = []): Snapshot {
  return offlineSnapshot(objects, images, knownImages, defaultMoverImages);
}

export function image(
  ref: string,
  user: string | null,
  passwd: ImageFacts['passwd'] = null,
  group: ImageFacts['group'] = null,
): ImageFacts {
  return { image: ref, user, passwd, group, source: 'test' };
}
