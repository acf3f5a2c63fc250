import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { snapshotOf } from '../test-support/builders.js';
import { resolveImagePlatforms } from './image-platforms.js';

const node = (name: string, arch: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch } },
});
const pod = (name: string, nodeName: string, image: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'c', image }] },
});

describe("the platform an image runs on, from its pods' nodes", () => {
  it("takes the nodes' platform when every pod of the image agrees, else leaves it to --platform", () => {
    const platforms = resolveImagePlatforms(
      snapshotOf([
        node('pi-1', 'arm64'),
        node('pi-2', 'arm64'),
        node('x86', 'amd64'),
        pod('a', 'pi-1', 'reg/mover:1'),
        pod('b', 'pi-2', 'reg/mover:1'),
        pod('c', 'pi-1', 'reg/mixed:1'),
        pod('d', 'x86', 'reg/mixed:1'),
        pod('e', 'unknown-node', 'reg/elsewhere:1'),
      ]),
    );
    expect([...platforms]).toEqual([['reg/mover:1', 'linux/arm64']]);
  });
});
