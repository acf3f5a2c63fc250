import { asArray, asString, path } from '../k8s/json.js';
import type { Snapshot } from '../snapshot.js';

/**
 * The platform (`os/arch`) an image really runs on, from the nodes of the pods that run it
 * (labels kubernetes.io/os and kubernetes.io/arch); only when every such pod agrees. Other
 * images use --platform.
 */
export function resolveImagePlatforms(snapshot: Snapshot): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const o of snapshot.objects) {
    if (o.kind !== 'Node') continue;
    const os = o.metadata.labels?.['kubernetes.io/os'];
    const arch = o.metadata.labels?.['kubernetes.io/arch'];
    if (os && arch) nodes.set(o.metadata.name, `${os}/${arch}`);
  }
  const seen = new Map<string, Set<string>>();
  for (const o of snapshot.objects) {
    if (o.kind !== 'Pod') continue;
    const platform = nodes.get(asString(path(o.spec, 'nodeName')) ?? '');
    if (!platform) continue;
    for (const c of [
      ...asArray(path(o.spec, 'initContainers')),
      ...asArray(path(o.spec, 'containers')),
    ]) {
      const image = asString(path(c, 'image'));
      if (image) seen.set(image, (seen.get(image) ?? new Set()).add(platform));
    }
  }
  return new Map(
    [...seen].filter(([, p]) => p.size === 1).map(([image, p]) => [image, [...p][0] ?? '']),
  );
}
