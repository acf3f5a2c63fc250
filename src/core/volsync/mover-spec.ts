import { InvalidSpecError } from '../errors.js';
import { asArray, asString, asStringMap, field, isObject, path, type Json } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSecurityContext, volumeFromSource } from '../k8s/parse-pod.js';
import type { PodSecurityContext, Volume } from '../k8s/types.js';
import { kopiaMaintenanceSchedule } from './kopia-source-maintenance.js';
import { moverRules, moverTypes, podlessSpecKeys, type MoverType } from './movers.js';

export type ReplicationKind = 'ReplicationSource' | 'ReplicationDestination';

/** A moverVolumes entry: mounted at /mnt/<mountPath> on container 0 (volsync-semantics §6.2). */
export interface MoverVolume {
  mountPath: string;
  volume: Volume;
  /** The volumeSource as written: VolSync copies it into the pod unchanged. */
  source: Json;
}

/** What a ReplicationSource/ReplicationDestination says about its mover's pod. */
export interface MoverSpec {
  kind: ReplicationKind;
  namespace: string;
  name: string;
  mover: MoverType;
  moverSecurityContext?: PodSecurityContext;
  moverServiceAccount?: string;
  moverVolumes: MoverVolume[];
  /** The repository Secret (restic, kopia) or rclone config Secret. */
  repositorySecret?: string;
  /** kopia's customCA as written (the fork's v0.16.x hashes it into its maintenance CronJob's name). */
  kopiaCustomCA?: Record<string, string>;
  /** kopia's maintenance schedule in the fork's v0.16.x (maintenanceCronJob, maintenanceIntervalDays). */
  kopiaMaintenanceSchedule?: string;
  /** rsync's sshKeys or rsync-tls's keySecret; VolSync generates one for a destination without. */
  keysSecret?: string;
  /** rclone's remote path: two rclone movers share a repository when config and path match. */
  rcloneDestPath?: string;
  /** RS spec.sourcePVC or RD spec.<mover>.destinationPVC: the application's volume. */
  dataPVC?: string;
  copyMethod?: string;
  /** spec.<mover>.moverPodLabels: merged last into the pod template labels (§6.1). */
  moverPodLabels?: Record<string, string>;
}

/**
 * A mover without its namespace: what VolSync builds the pod from. The build never reads the
 * namespace, so movers of one template in many namespaces build alike (report/mover-shapes.ts).
 */
export type MoverShape = Omit<MoverSpec, 'namespace'>;

export type ParsedReplication =
  { kind: 'mover'; spec: MoverSpec } | { kind: 'podless'; reason: string };

/** Reads the mover of a ReplicationSource/ReplicationDestination; rejects what VolSync cannot run. */
export function parseMoverSpec(obj: KubeObject): ParsedReplication {
  const kind = obj.kind as ReplicationKind;
  const ns = namespaceOf(obj);
  const where = `${kind}/${ns}/${obj.metadata.name}`;
  const spec = obj.spec;
  if (!isObject(spec))
    throw new InvalidSpecError(where, 'has no spec', 'add spec with one mover (e.g. spec.restic)');
  const present = moverTypes.filter(
    (m) => spec[moverRules[m].specKey] !== undefined && spec[moverRules[m].specKey] !== null,
  );
  const podless = podlessSpecKeys.filter((k) => spec[k] !== undefined);
  if (present.length === 0 && podless.length > 0)
    return {
      kind: 'podless',
      reason: `spec.${podless.join(', spec.')}: VolSync builds no mover pod for it`,
    };
  if (present.length === 0) {
    const known = [...moverTypes.map((m) => moverRules[m].specKey), ...podlessSpecKeys];
    const keys = Object.keys(spec).filter(
      (k) => isObject(spec[k]) && !['trigger', 'sourceIdentity'].includes(k),
    );
    const unknown = keys.length > 0 ? `unknown mover spec.${keys.join(', spec.')}` : 'no mover';
    throw new InvalidSpecError(where, unknown, `use one of spec.${known.join(', spec.')}`);
  }
  if (present.length > 1)
    throw new InvalidSpecError(
      where,
      `has ${present.length} movers (spec.${present.map((m) => moverRules[m].specKey).join(', spec.')})`,
      'keep exactly one mover',
    );
  const mover = present[0] as MoverType;
  const rule = moverRules[mover];
  if (rule.sourceOnly && kind === 'ReplicationDestination')
    return {
      kind: 'podless',
      reason: `${mover} is not implemented for ReplicationDestination: VolSync builds no pod (U:ic/mover/syncthing/builder.go:148-153)`,
    };
  const m = spec[rule.specKey];
  if (!isObject(m))
    throw new InvalidSpecError(
      `${where} spec.${rule.specKey}`,
      'must be an object',
      'fill in the mover settings',
    );
  const at = `${where} spec.${rule.specKey}`;
  const out: MoverSpec = { kind, namespace: ns, name: obj.metadata.name, mover, moverVolumes: [] };
  if (rule.hasMoverSecurityContext) {
    const sc = parsePodSecurityContext(m['moverSecurityContext'], `${at}.moverSecurityContext`);
    if (sc) out.moverSecurityContext = sc;
    out.moverVolumes = asArray(m['moverVolumes']).map((v, i) =>
      parseMoverVolume(v, `${at}.moverVolumes[${i}]`),
    );
  }
  const sa = asString(m['moverServiceAccount']);
  if (sa !== undefined) out.moverServiceAccount = sa;
  const repo = asString(m['repository']) ?? asString(m['rcloneConfig']);
  if (repo !== undefined) out.repositorySecret = repo;
  if (mover === 'kopia') {
    const ca = asStringMap(m['customCA']);
    // Go marshals CustomCASpec's fields in declaration order, empty ones omitted
    out.kopiaCustomCA = Object.fromEntries(
      ['secretName', 'configMapName', 'key'].flatMap((k) => (ca[k] ? [[k, ca[k]]] : [])),
    );
    const days = path(m, 'maintenanceIntervalDays');
    out.kopiaMaintenanceSchedule = kopiaMaintenanceSchedule(
      asString(path(m, 'maintenanceCronJob', 'schedule')),
      typeof days === 'number' ? days : undefined,
    );
  }
  const keys = asString(m['sshKeys']) ?? asString(m['keySecret']);
  if (keys !== undefined) out.keysSecret = keys;
  const dest = asString(m['rcloneDestPath']);
  if (dest !== undefined) out.rcloneDestPath = dest;
  const pvc =
    kind === 'ReplicationSource' ? asString(spec['sourcePVC']) : asString(m['destinationPVC']);
  if (pvc !== undefined) out.dataPVC = pvc;
  const podLabels = m['moverPodLabels'];
  if (isObject(podLabels)) out.moverPodLabels = asStringMap(podLabels);
  const copy = asString(m['copyMethod']);
  if (copy !== undefined) out.copyMethod = copy;
  return { kind: 'mover', spec: out };
}

/** moverVolumes accept only persistentVolumeClaim, secret and nfs; mountPath must be a plain name (F:ic/utils/utils.go:340-349). */
export function parseMoverVolume(raw: unknown, where: string): MoverVolume {
  const mountPath = asString(field(raw, 'mountPath'));
  if (
    mountPath === undefined ||
    mountPath === '' ||
    mountPath.includes('/') ||
    mountPath.includes('..')
  )
    throw new InvalidSpecError(
      `${where}.mountPath`,
      `invalid mountPath ${JSON.stringify(mountPath ?? null)}`,
      'use a plain directory name (mounted at /mnt/<mountPath>)',
    );
  const source = path(raw, 'volumeSource');
  if (!isObject(source))
    throw new InvalidSpecError(
      `${where}.volumeSource`,
      'is missing',
      'set persistentVolumeClaim, secret or nfs',
    );
  const volume = volumeFromSource(`u-${mountPath}`, source, `${where}.volumeSource`);
  // an empty source is what the API server stores when the version's CRD prunes the type that
  // was written (fork v0.17.7 has no nfs); VolSync skips the entry (F:ic/utils/utils.go:284)
  if (Object.keys(source).length === 0) return { mountPath, volume, source };
  if (!['persistentVolumeClaim', 'secret', 'nfs'].includes(volume.type))
    throw new InvalidSpecError(
      `${where}.volumeSource`,
      `unsupported volume type ${volume.type}`,
      'use persistentVolumeClaim, secret or nfs',
    );
  return { mountPath, volume, source };
}
