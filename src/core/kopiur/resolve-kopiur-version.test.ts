import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/object.js';
import { kopiurVersionOfController, kopiurVersionOfTag } from './resolve-kopiur-version.js';

const controller = (image: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'kopiur', namespace: 'kopiur-system', labels },
  spec: { template: { spec: { containers: [{ name: 'controller', image }] } } },
});

describe('kopiurVersionOfTag: the newest modelled release at or below the tag', () => {
  it.each([
    ['0.4.3', '0.4.3'],
    ['0.4.6', '0.4.3'],
    ['0.4.7', '0.4.7'],
    ['v0.8.2', '0.7.5'],
    ['0.9.0', '0.9.0'],
    ['0.10.8', '0.9.0'],
    ['0.11.0', 'main'],
    ['latest', 'main'],
    ['0.1.0', '0.4.3'],
  ])('tag %s builds movers as table %s', (tag, id) => {
    expect(kopiurVersionOfTag(tag).id).toBe(id);
  });
});

describe('kopiurVersionOfController', () => {
  it("reads the controller image's tag", () => {
    const v = kopiurVersionOfController(
      controller('ghcr.io/home-operations/kopiur-controller:0.10.3'),
    );
    expect(v).toMatchObject({ tag: '0.10.3', assumed: false, version: { id: '0.9.0' } });
  });

  it('falls back to the app.kubernetes.io/version label for an untagged image', () => {
    const v = kopiurVersionOfController(
      controller('ghcr.io/home-operations/kopiur-controller', {
        'app.kubernetes.io/version': '0.8.0',
      }),
    );
    expect(v).toMatchObject({ tag: '0.8.0', version: { id: '0.7.5' } });
  });

  it('a Deployment without the kopiur-controller image is not the kopiur controller', () => {
    expect(kopiurVersionOfController(controller('quay.io/backube/volsync:0.13.0'))).toBeUndefined();
  });
});
