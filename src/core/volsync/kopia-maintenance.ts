import { InvalidSpecError } from '../errors.js';
import { asArray, asString, asStringMap, isObject, path, type Json } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parsePodSecurityContext, parsePodSpec, parseSecurityContext } from '../k8s/parse-pod.js';
import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';
import { hardened, withJobLabels, type BuiltPod } from './build-mover-pod.js';
import type { MaintenanceRules } from './versions/types.js';
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
  moverPodLabels?: Record<string, string>;
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
  const labels = spec['moverPodLabels'];
  if (isObject(labels)) out.moverPodLabels = asStringMap(labels);
  const manual = asString(path(spec, 'trigger', 'manual'));
  if (manual !== undefined) out.manualTag = manual;
  return out;
}

const src = 'F:ic/kopiamaintenance_controller.go';
/** Defaults when the spec leaves them unset; a set value replaces them whole (F:…:1399-1403, :1428-1436). */
const defaultPodSc = (): PodSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: 1000,
  fsGroup: 1000,
});
const defaultContainerSc = (): SecurityContext => ({ ...hardened(), runAsNonRoot: true });

/** CronJob `kopia-maint-<name[:34]>-<hex of sha256("ns/name")[:8 bytes]>` (F:…:960-966). */
export function maintenanceCronJobName(ns: string, name: string): string {
  return `kopia-maint-${name.slice(0, 34)}-${sha256Hex(`${ns}/${name}`).slice(0, 16)}`;
}

function built(
  workload: BuiltPod['workload'],
  labels: Record<string, string>,
  spec: Json,
  from: Pick<BuiltPod, 'podSecurityContextFrom' | 'baseline' | 'baselineSource'>,
): BuiltPod {
  return {
    workload,
    labels,
    template: { metadata: { labels: withJobLabels(labels, workload) }, spec },
    pod: parsePodSpec(spec, `${workload.kind}/${workload.name}`),
    ...from,
    overrides: [],
  };
}

/**
 * The pods the fork's maintenance controller creates: the CronJob's, or, while `trigger.manual`
 * is set, only the manual Job's (the CronJob is deleted), whose container hard-codes runAsUser
 * 1000 and ignores containerSecurityContext and serviceAccountName (F:…:776-922; the real
 * controllers of each version agree, test/oracle).
 */
export function buildMaintenancePods(
  m: KopiaMaintenanceSpec,
  image: string,
  rules: MaintenanceRules,
  volumeTypes: readonly string[],
): BuiltPod[] {
  const cache = { name: 'kopia-cache', emptyDir: { sizeLimit: rules.cacheSizeLimit } };
  const extra = rules.moverVolumes
    ? m.moverVolumes.filter((v) => volumeTypes.includes(v.volume.type))
    : [];
  const extraVolumes = extra.map((v) => ({ name: `u-${v.mountPath}`, ...v.source }));
  const extraMounts = extra.map((v) => ({
    name: `u-${v.mountPath}`,
    mountPath: `/mnt/${v.mountPath}`,
  }));
  const podSc = m.podSecurityContext ?? defaultPodSc();
  const podFrom = m.podSecurityContext
    ? 'spec.podSecurityContext'
    : `KopiaMaintenance default {runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000} (${src}:1399-1403)`;
  const container = (sc: SecurityContext, mounts: Json[]): Json => ({
    name: 'kopia-maintenance',
    image,
    securityContext: sc,
    volumeMounts: mounts,
  });
  if (m.manualTag !== undefined) {
    const manualSc: SecurityContext = { ...defaultContainerSc(), runAsUser: 1000 };
    const name = `kopia-maint-manual-${sha256Hex(`${m.namespace}/${m.name}/${m.manualTag}`).slice(0, 16)}`;
    return [
      built(
        { kind: 'Job', name },
        { ...m.moverPodLabels },
        {
          securityContext: { ...podSc },
          containers: [
            container(manualSc, [{ name: 'kopia-cache', mountPath: '/cache' }, ...extraMounts]),
          ],
          volumes: [cache, ...extraVolumes],
        },
        {
          podSecurityContextFrom: podFrom,
          baseline: manualSc,
          baselineSource: `manual-trigger Job: hard-coded, ignores spec.containerSecurityContext (${src}:890-899)`,
        },
      ),
    ];
  }
  const csc = m.containerSecurityContext ?? defaultContainerSc();
  const labels = {
    'volsync.backube/kopia-maintenance': 'true',
    'volsync.backube/maintenance-name': m.name,
    ...m.moverPodLabels,
  };
  return [
    built(
      { kind: 'CronJob', name: maintenanceCronJobName(m.namespace, m.name) },
      labels,
      {
        serviceAccountName: m.serviceAccountName ?? 'default',
        securityContext: { ...podSc },
        containers: [
          container({ ...csc }, [
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'kopia-cache', mountPath: '/cache' },
            ...extraMounts,
          ]),
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }, cache, ...extraVolumes],
      },
      {
        podSecurityContextFrom: podFrom,
        baseline: csc,
        baselineSource: m.containerSecurityContext
          ? 'spec.containerSecurityContext'
          : `KopiaMaintenance default container securityContext (${src}:1428-1436)`,
      },
    ),
  ];
}
