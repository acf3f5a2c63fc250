import type { Json } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import type { MoverImageKey } from '../snapshot.js';
import { buildMoverPod, type BuiltPod } from './build-mover-pod.js';
import { buildSourceMaintenancePod } from './kopia-source-maintenance.js';
import { buildMaintenancePods, parseKopiaMaintenance } from './kopia-maintenance.js';
import { moverRbac } from './mover-rbac.js';
import { parseMoverSpec, type MoverSpec } from './mover-spec.js';
import { privilegedMoversKey, resolvePrivileged, type NamespaceFacts } from './privileged.js';
import { versionFor, type VersionChoice } from './versions/resolve-version.js';
import type { VolsyncVersion } from './versions/types.js';
import { privilegeEnv, projectRbac, projectWorkload } from './workload-projection.js';

/** What VolSync creates for one of its objects, or why nothing (and what is not known). */
export interface SubjectWorkloads {
  /** `Kind/namespace/name` of the VolSync object. */
  subject: string;
  version: VersionChoice;
  /** The workloads (identity fields only) then the ServiceAccount, Role and RoleBinding. */
  objects: Json[];
  /** What the version drops, builds nothing for, or what could not be known. */
  notes: string[];
}

const apiVersions: Record<BuiltPod['workload']['kind'], string> = {
  Job: 'batch/v1',
  Deployment: 'apps/v1',
  CronJob: 'batch/v1',
};

/** The workload object around a built pod template, in the shape the API server stores. */
export function workloadManifest(built: BuiltPod, namespace: string): Json {
  const { kind, name } = built.workload;
  const spec =
    kind === 'CronJob'
      ? { jobTemplate: { spec: { template: built.template } } }
      : { template: built.template };
  return { apiVersion: apiVersions[kind], kind, metadata: { name, namespace }, spec };
}

/** moverVolumes entries whose type the version's CRDs prune: VolSync never sees them. */
function droppedVolumes(m: MoverSpec, v: VolsyncVersion): string[] {
  return m.moverVolumes
    .filter((mv) => !v.moverVolumeTypes.includes(mv.volume.type))
    .map((mv) =>
      Object.keys(mv.source).length === 0
        ? `moverVolumes[${mv.mountPath}]: no volume source (what the API server keeps of a type the CRD does not have); VolSync skips it and nothing is mounted at /mnt/${mv.mountPath}`
        : v.moverVolumeTypes.length === 0
          ? `moverVolumes[${mv.mountPath}]: ${v.id} has no moverVolumes field; the API server drops it and nothing is mounted at /mnt/${mv.mountPath}`
          : `moverVolumes[${mv.mountPath}]: ${v.id} does not take ${mv.volume.type} volumes (only ${v.moverVolumeTypes.join(', ')}); the API server drops it and nothing is mounted at /mnt/${mv.mountPath}`,
    );
}

/**
 * The fork's v0.16.x maintenance CronJob of a kopia source. It labels the CronJob with the
 * source's name, so a name past 63 characters makes the API server refuse it: none runs.
 */
function sourceMaintenance(m: MoverSpec, v: VolsyncVersion, image: string) {
  if (!v.kopiaSourceMaintenance || m.mover !== 'kopia' || m.kind !== 'ReplicationSource')
    return { pods: [], notes: [] };
  if (m.name.length > 63)
    return {
      pods: [],
      notes: [
        `${v.id} labels the source's maintenance CronJob volsync.backube/created-by=${m.name}, longer than a label value may be (63): the API server refuses it and no maintenance runs for this repository`,
      ],
    };
  return { pods: [buildSourceMaintenancePod(m, image)], notes: [] };
}

/**
 * Renders what VolSync at `choice` creates for a ReplicationSource, ReplicationDestination or
 * KopiaMaintenance: the same builders `explain` resolves identities from. A mover whose
 * privileged decision is unknown (no Namespace read) renders nothing and says so.
 */
export function resolveVolsyncWorkloads(
  o: KubeObject,
  ns: NamespaceFacts | undefined,
  images: Record<MoverImageKey, string>,
  choice: VersionChoice,
): SubjectWorkloads {
  const namespace = namespaceOf(o);
  const subject = `${o.kind}/${namespace}/${o.metadata.name}`;
  if (o.kind === 'KopiaMaintenance') {
    const version = versionFor(choice, true);
    const rules = version.version.maintenance;
    if (!rules)
      return {
        subject,
        version,
        objects: [],
        notes: [`${version.version.id} has no KopiaMaintenance controller: nothing runs for it`],
      };
    const pods = buildMaintenancePods(
      parseKopiaMaintenance(o),
      images['kopia-maintenance'],
      rules,
      version.version.moverVolumeTypes,
    );
    return {
      subject,
      version,
      objects: pods.map((b) => projectWorkload(workloadManifest(b, namespace))),
      notes: [],
    };
  }
  const parsed = parseMoverSpec(o);
  if (parsed.kind === 'podless')
    return { subject, version: choice, objects: [], notes: [parsed.reason] };
  const m = parsed.spec;
  const version = versionFor(choice, m.mover === 'kopia');
  const decision = resolvePrivileged(m.mover, ns, namespace, version.version);
  const privileged = decision.value ?? false;
  const built = buildMoverPod(m, privileged, images[m.mover], version.version);
  const maintenance = sourceMaintenance(m, version.version, images['kopia-maintenance']);
  return {
    subject,
    version,
    objects: [
      ...[built, ...maintenance.pods].map((b) => projectWorkload(workloadManifest(b, namespace))),
      ...moverRbac(m, privileged).map(projectRbac),
    ],
    notes: [
      ...(decision.value === null ? unknownPrivilege(m, namespace, images, version.version) : []),
      ...droppedVolumes(m, version.version),
      ...maintenance.notes,
    ],
  };
}

/**
 * When the Namespace is not in the input, the unprivileged workloads are rendered (what holds
 * without the annotation) and the note says what the annotation would change, field by field.
 */
function unknownPrivilege(
  m: MoverSpec,
  namespace: string,
  images: Record<MoverImageKey, string>,
  v: VolsyncVersion,
): string[] {
  const on = buildMoverPod(m, true, images[m.mover], v);
  const set = on.overrides.map((o) => `${o.field}: ${JSON.stringify(o.value)}`).join(', ');
  return [
    `unknown: Namespace/${namespace} is not in the input, so whether it carries ${privilegedMoversKey}: "true" is not known; rendered without it. With it, VolSync sets on ${on.pod.containers[0]?.name ?? 'the mover'}: ${set}, ${privilegeEnv}=1 and a Role granting the privileged SCC; add the Namespace to the input to know`,
  ];
}
