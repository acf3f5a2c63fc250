import type { Container } from '../../k8s/types.js';
import { resolveEntrypointIdentity } from '../entrypoint-images.js';
import type { Identity } from '../identity.js';
import type { TraceStep } from '../trace.js';
import type { Writer } from './storage.js';
import { step } from './state.js';

/** The identity an image's entrypoint switches to: an inference from its image family and env. */
export interface WritesAs {
  uid: number | null;
  gid: number | null;
  umask: number | null;
  family: string;
}

/**
 * The entrypoint layer: images that start as root and drop to another identity themselves
 * (linuxserver.io's PUID/PGID, the official databases' service users; entrypoint-images.ts) write
 * their files as that identity, which Kubernetes never sees. After the switch the process holds
 * the user's own groups (setgroups from the image's /etc/group, not the pod's) and no
 * capabilities. An inference, shown as one; images not in the table write as the process.
 */
export function resolveEntrypointLayer(
  id: Identity,
  c: Container,
): { steps: TraceStep[]; writer: Writer; writesAs?: WritesAs } {
  const process: Writer = {
    uid: id.uid,
    gid: id.gid,
    groups: id.supplementalGroups,
    capabilities: id.capabilities,
  };
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  const sw = resolveEntrypointIdentity(c.image, env, {
    uid: id.uid,
    readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem ?? null,
  });
  if (!sw) return { steps: [], writer: process };
  const field = `${sw.family} entrypoint`;
  const source = `[inference] ${sw.source}`;
  if (sw.applies === false)
    return {
      steps: [step('entrypoint', field, null, `no switch: ${sw.from}`, source)],
      writer: process,
    };
  const as = `${sw.uid ?? '?'}:${sw.gid ?? '?'}`;
  const umask = sw.umask === null ? '' : `, umask ${sw.umask.toString(8).padStart(4, '0')}`;
  const when = sw.applies === null ? 'if it starts as UID 0, ' : '';
  const steps = [
    step(
      'entrypoint',
      field,
      [sw.uid, sw.gid].every((x) => x !== null) ? [sw.uid as number, sw.gid as number] : null,
      `inference: ${when}the image's entrypoint switches to ${as}${umask} (${sw.from}); its files are written as ${as} while Kubernetes reports UID ${id.uid ?? '?'}`,
      source,
    ),
  ];
  if (sw.applies === null)
    return { steps, writer: { ...process, uid: null, gid: null, groups: null } };
  return {
    steps,
    writer: {
      uid: sw.uid,
      gid: sw.gid,
      groups: sw.gid === null ? null : [sw.gid],
      capabilities: [],
      switchedBy: sw.family,
    },
    writesAs: { uid: sw.uid, gid: sw.gid, umask: sw.umask, family: sw.family },
  };
}
