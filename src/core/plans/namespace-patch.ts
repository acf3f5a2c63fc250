import type { KubeObject, Origin } from '../k8s/object.js';

/** annotate's change as a GitOps repository takes it: a patch in the namespace's kustomization. */
export interface NamespacePatch {
  /** The kustomization that renders the Namespace. */
  file: string;
  /** The entry for its `patches:` (a strategic merge patch; null removes a key), if any. */
  entry?: { target: { kind: 'Namespace'; name: string }; patch: string };
  /** Keys being removed that a patch of the repository adds: delete that patch instead. */
  remove: { key: string; at: Origin }[];
}

const quote = (v: string) => JSON.stringify(v);

/**
 * The patch that makes the Namespace say `annotations` (null: remove the key), for a Namespace
 * rendered from a repository (--flux); undefined when no kustomization of the repository renders it.
 */
export function planNamespacePatch(
  ns: KubeObject | undefined,
  annotations: Record<string, string | null>,
): NamespacePatch | undefined {
  const at = ns?.origin?.patchAt;
  if (!ns || !at) return undefined;
  const remove: NamespacePatch['remove'] = [];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    const written = ns.fieldOrigins?.find(
      (f) => f.field[1] === 'annotations' && f.field[2] === key,
    )?.origin;
    if (value === null && written) remove.push({ key, at: written });
    else lines.push(`    ${key}: ${value === null ? 'null' : quote(value)}`);
  }
  const patch: NamespacePatch = { file: at.file, remove };
  if (lines.length > 0)
    patch.entry = {
      target: { kind: 'Namespace', name: at.name },
      patch: [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        `  name: ${at.name}`,
        '  annotations:',
        ...lines,
      ].join('\n'),
    };
  return patch;
}
