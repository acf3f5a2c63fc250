import { asArray, isObject, path, type Json } from '../k8s/json.js';

/**
 * The fields of a workload VolSync creates that decide who its pod runs as and what it can
 * reach: the pod template's labels (what admission policies select), serviceAccountName, the pod
 * and container securityContexts, the PRIVILEGED_MOVER env, volumes and mounts. `render` prints
 * this; the oracle compares it, field by field, with what the real controller created.
 */
export type WorkloadProjection = Json;

/** Where each workload kind keeps its pod template. */
const templatePath: Record<string, string[]> = {
  Job: ['spec', 'template'],
  Deployment: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Labels the job controller and API server add with a UID no prediction can know. */
const uidLabels = new Set(['controller-uid', 'batch.kubernetes.io/controller-uid']);

/** The env var VolSync sets to tell a mover's script whether it is privileged (§2.1). */
export const privilegeEnv = 'PRIVILEGED_MOVER';

const present = (o: Json): Json =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** An empty securityContext is what the API server stores for none: the two are the same. */
const securityContext = (v: unknown): Json | undefined =>
  isObject(v) && Object.keys(v).length > 0 ? v : undefined;

function projectContainer(c: unknown): Json {
  const env = asArray(path(c, 'env')).filter((e) => path(e, 'name') === privilegeEnv);
  return present({
    name: path(c, 'name'),
    image: path(c, 'image'),
    securityContext: securityContext(path(c, 'securityContext')),
    env: env.length > 0 ? env : undefined,
    volumeMounts: asArray(path(c, 'volumeMounts')).length > 0 ? path(c, 'volumeMounts') : undefined,
  });
}

/** A Secret volume's defaultMode 420 (0644) is the API server's default, set or not. */
function projectVolume(v: unknown): unknown {
  if (!isObject(v) || !isObject(v['secret'])) return v;
  const { defaultMode, ...secret } = v['secret'];
  return { ...v, secret: defaultMode === 420 ? secret : { ...secret, defaultMode } };
}

function projectPodSpec(spec: unknown): Json {
  const list = (key: string) => {
    const items = asArray(path(spec, key));
    return items.length > 0 ? items : undefined;
  };
  return present({
    serviceAccountName: path(spec, 'serviceAccountName'),
    securityContext: securityContext(path(spec, 'securityContext')),
    initContainers: list('initContainers')?.map(projectContainer),
    containers: list('containers')?.map(projectContainer) ?? [],
    volumes: list('volumes')?.map(projectVolume),
  });
}

function nest(keys: string[], leaf: Json): Json {
  return keys.reduceRight<Json>((inner, k) => ({ [k]: inner }), leaf);
}

/** The identity fields of a Job, Deployment or CronJob, in the object's own shape. */
export function projectWorkload(o: Json): WorkloadProjection {
  const kind = String(o['kind']);
  const at = templatePath[kind] ?? ['spec', 'template'];
  const template = path(o, ...at);
  const labels = path(template, 'metadata', 'labels');
  const kept = isObject(labels)
    ? Object.fromEntries(Object.entries(labels).filter(([k]) => !uidLabels.has(k)))
    : {};
  return {
    apiVersion: o['apiVersion'],
    kind,
    metadata: present({
      name: path(o, 'metadata', 'name'),
      namespace: path(o, 'metadata', 'namespace'),
    }),
    ...nest(at, { metadata: { labels: kept }, spec: projectPodSpec(path(template, 'spec')) }),
  };
}

/** A ServiceAccount, Role or RoleBinding: its name and what it grants to whom (no rules = none). */
export function projectRbac(o: Json): Json {
  const rules = asArray(o['rules']);
  return present({
    apiVersion: o['apiVersion'],
    kind: o['kind'],
    metadata: present({
      name: path(o, 'metadata', 'name'),
      namespace: path(o, 'metadata', 'namespace'),
    }),
    rules: rules.length > 0 ? rules : undefined,
    roleRef: o['roleRef'],
    subjects: o['subjects'],
  });
}
