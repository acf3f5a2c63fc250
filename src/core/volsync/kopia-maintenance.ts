import { InvalidSpecError } from '../errors.js';
import { asArray, asString, isObject, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSecurityContext, parseSecurityContext } from '../k8s/parse-pod.js';
import type { PodSecurityContext, SecurityContext, Volume } from '../k8s/types.js';
import type { BuiltPod } from './build-mover-pod.js';
import { sha256Hex } from './hash.js';
import { parseMoverVolume, type MoverVolume } from './mover-spec.js';

/** The fork's KopiaMaintenance (volsync-semantics §2.8, §6.2; F:api/v1alpha1/kopiamaintenance_types.go). */
export interface KopiaMaintenanceSpec {
  namespace: string;
  name: string;
  podSecurityContext?: PodSecurityContext;
  containerSecurityContext?: SecurityContext;
  serviceAccountName?: string;
  moverVolumes: MoverVolume[];
  repositorySecret?: string;
  manualTag?: string;
}

export function parseKopiaMaintenance(obj: KubeObject): KopiaMaintenanceSpec {
  const ns = namespaceOf(obj);
  const where = `KopiaMaintenance/${ns}/${obj.metadata.name}`;
  const spec = obj.spec;
  if (!isObject(spec)) throw new InvalidSpecError(where, 'has no spec', 'add spec.repository');
  const out: KopiaMaintenanceSpec = {
    namespace: ns,
    name: obj.metadata.name,
    moverVolumes: asArray(spec['moverVolumes']).map((v, i) =>
      parseMoverVolume(v, `${where} spec.moverVolumes[${i}]`),
    ),
  };
  const psc = parsePodSecurityContext(
    spec['podSecurityContext'],
    `${where} spec.podSecurityContext`,
  );
  if (psc) out.podSecurityContext = psc;
  const csc = parseSecurityContext(
    spec['containerSecurityContext'],
    `${where} spec.containerSecurityContext`,
  );
  if (csc) out.containerSecurityContext = csc;
  const sa = asString(spec['serviceAccountName']);
  if (sa !== undefined) out.serviceAccountName = sa;
  const repo = asString(path(spec, 'repository', 'repository'));
  if (repo !== undefined) out.repositorySecret = repo;
  const manual = asString(path(spec, 'trigger', 'manual'));
  if (manual !== undefined) out.manualTag = manual;
  return out;
}

const src = 'F:ic/kopiamaintenance_controller.go';
/** Defaults when the spec leaves them unset; a set value replaces them whole (F:…:1399-1403, :1428-1436). */
const defaultPodSc: PodSecurityContext = { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 };
const defaultContainerSc: SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};

/** CronJob `kopia-maint-<name[:34]>-<hex of sha256("ns/name")[:8 bytes]>` (F:…:960-966). */
export function maintenanceCronJobName(ns: string, name: string): string {
  return `kopia-maint-${name.slice(0, 34)}-${sha256Hex(`${ns}/${name}`).slice(0, 16)}`;
}

/**
 * The pods the fork's maintenance controller creates: the CronJob's, and when `trigger.manual` is
 * set the manual Job's, whose container hard-codes runAsUser 1000 and ignores
 * containerSecurityContext (F:…:822-913).
 */
export function buildMaintenancePods(m: KopiaMaintenanceSpec, image: string): BuiltPod[] {
  const volumes: Volume[] = [
    { name: 'cache', type: 'persistentVolumeClaim' },
    ...m.moverVolumes.map((mv) => ({ ...mv.volume })),
  ];
  const podSc = m.podSecurityContext ?? defaultPodSc;
  const podFrom = m.podSecurityContext
    ? 'spec.podSecurityContext'
    : `KopiaMaintenance default {runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000} (${src}:1399-1403)`;
  const cron: BuiltPod = {
    workload: { kind: 'CronJob', name: maintenanceCronJobName(m.namespace, m.name) },
    pod: {
      securityContext: { ...podSc },
      containers: [
        {
          name: 'kopia-maintenance',
          image,
          securityContext: { ...(m.containerSecurityContext ?? defaultContainerSc) },
        },
      ],
      volumes: [...volumes, { name: 'tmp', type: 'emptyDir' }],
      serviceAccountName: m.serviceAccountName ?? 'default',
    },
    podSecurityContextFrom: podFrom,
    baseline: m.containerSecurityContext ?? defaultContainerSc,
    baselineSource: m.containerSecurityContext
      ? 'spec.containerSecurityContext'
      : `KopiaMaintenance default container securityContext (${src}:1428-1436)`,
    overrides: [],
  };
  if (m.manualTag === undefined) return [cron];
  const manualSc: SecurityContext = { ...defaultContainerSc, runAsUser: 1000 };
  const manual: BuiltPod = {
    workload: {
      kind: 'Job',
      name: `kopia-maint-manual-${sha256Hex(`${m.namespace}/${m.name}/${m.manualTag}`).slice(0, 16)}`,
    },
    pod: {
      securityContext: { ...podSc },
      containers: [{ name: 'kopia-maintenance', image, securityContext: manualSc }],
      volumes,
      serviceAccountName: 'default',
    },
    podSecurityContextFrom: podFrom,
    baseline: manualSc,
    baselineSource: `manual-trigger Job: hard-coded, ignores spec.containerSecurityContext (${src}:890-899)`,
    overrides: [],
  };
  return [cron, manual];
}
