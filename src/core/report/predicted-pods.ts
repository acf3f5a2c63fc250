import { namespaceOf } from '../k8s/object.js';
import type { Snapshot } from '../snapshot.js';
import { buildMoverPod } from '../volsync/build-mover-pod.js';
import { parseMoverSpec } from '../volsync/mover-spec.js';
import { podManifest } from '../volsync/pod-manifest.js';
import { versionFor, versionOfSnapshot } from '../volsync/versions/resolve-version.js';
import { resolvePrivileged } from '../volsync/privileged.js';
import { moverKinds, type Scope } from './resolve-report.js';
import { namespaceFactsOf } from './subjects.js';

export interface PredictedPod {
  /** `Kind/namespace/name` of the ReplicationSource/Destination (the key of serverDryRun). */
  subject: string;
  namespace: string;
  manifest: Record<string, unknown>;
}

/**
 * The pod each RS/RD of the scope would get, for a server-side dry run. Movers whose privileged
 * decision is unknown (no Namespace read) are left out: there is no single pod to ask about.
 */
export function predictMoverPods(snapshot: Snapshot, scope: Scope): PredictedPod[] {
  const namespaces = namespaceFactsOf(snapshot);
  const choice = versionOfSnapshot(snapshot);
  const out: PredictedPod[] = [];
  for (const o of snapshot.objects) {
    const ns = namespaceOf(o);
    if (!moverKinds.has(o.kind) || o.kind === 'KopiaMaintenance') continue;
    if (!scope.all && scope.namespace !== ns) continue;
    let parsed;
    try {
      parsed = parseMoverSpec(o);
    } catch {
      continue; // reported as invalid input when the report resolves it
    }
    if (parsed.kind === 'podless') continue;
    const m = parsed.spec;
    const version = versionFor(choice, m.mover === 'kopia').version;
    const decision = resolvePrivileged(m.mover, namespaces.get(ns), ns, version);
    if (decision.value === null) continue;
    const built = buildMoverPod(m, decision.value, snapshot.moverImages.images[m.mover], version);
    out.push({
      subject: `${o.kind}/${ns}/${o.metadata.name}`,
      namespace: ns,
      manifest: podManifest(built, ns, { 'volsync-perms.io/dry-run': 'true' }),
    });
  }
  return out;
}
