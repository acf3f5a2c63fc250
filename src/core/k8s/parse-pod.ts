import { InvalidSpecError } from '../errors.js';
import { asArray, asString, field, isObject, type Json } from './json.js';
import type {
  Capabilities,
  Container,
  PodSecurityContext,
  PodSpec,
  SecurityContext,
  Volume,
} from './types.js';

/** Reads a pod template's spec (already unwrapped) into plain typed data; rejects what the API server would. */
export function parsePodSpec(raw: unknown, where: string): PodSpec {
  if (!isObject(raw))
    throw new InvalidSpecError(where, 'pod spec is missing', 'add spec.containers');
  const containers = asArray(raw['containers']).map((c, i) =>
    parseContainer(c, `${where}.containers[${i}]`),
  );
  if (containers.length === 0)
    throw new InvalidSpecError(where, 'pod spec has no containers', 'add spec.containers');
  const spec: PodSpec = { containers };
  const init = asArray(raw['initContainers']).map((c, i) =>
    parseContainer(c, `${where}.initContainers[${i}]`),
  );
  if (init.length > 0) spec.initContainers = init;
  const sc = parsePodSecurityContext(raw['securityContext'], `${where}.securityContext`);
  if (sc) spec.securityContext = sc;
  const volumes = asArray(raw['volumes']).map((v, i) => parseVolume(v, `${where}.volumes[${i}]`));
  if (volumes.length > 0) spec.volumes = volumes;
  const sa = asString(raw['serviceAccountName']);
  if (sa !== undefined) spec.serviceAccountName = sa;
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    const b = optBool(raw[k], `${where}.${k}`);
    if (b !== undefined) spec[k] = b;
  }
  return spec;
}

/** Reads a PodSecurityContext (a VolSync moverSecurityContext has this type). */
export function parsePodSecurityContext(
  raw: unknown,
  where: string,
): PodSecurityContext | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw))
    throw new InvalidSpecError(where, 'must be an object', 'use a PodSecurityContext');
  const sc: PodSecurityContext = {};
  setId(sc, 'runAsUser', raw, where);
  setId(sc, 'runAsGroup', raw, where);
  setId(sc, 'fsGroup', raw, where);
  const nonRoot = optBool(raw['runAsNonRoot'], `${where}.runAsNonRoot`);
  if (nonRoot !== undefined) sc.runAsNonRoot = nonRoot;
  const groups = raw['supplementalGroups'];
  if (groups !== undefined && groups !== null) {
    sc.supplementalGroups = asArray(groups).map((g, i) =>
      id(g, `${where}.supplementalGroups[${i}]`),
    );
  }
  for (const k of ['fsGroupChangePolicy', 'supplementalGroupsPolicy'] as const) {
    const s = asString(raw[k]);
    if (s !== undefined) sc[k] = s;
  }
  const seccomp = parseSeccomp(raw['seccompProfile']);
  if (seccomp) sc.seccompProfile = seccomp;
  return sc;
}

export function parseSecurityContext(raw: unknown, where: string): SecurityContext | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw))
    throw new InvalidSpecError(where, 'must be an object', 'use a SecurityContext');
  const sc: SecurityContext = {};
  setId(sc, 'runAsUser', raw, where);
  setId(sc, 'runAsGroup', raw, where);
  for (const k of [
    'runAsNonRoot',
    'privileged',
    'allowPrivilegeEscalation',
    'readOnlyRootFilesystem',
  ] as const) {
    const b = optBool(raw[k], `${where}.${k}`);
    if (b !== undefined) sc[k] = b;
  }
  const caps = raw['capabilities'];
  if (isObject(caps)) {
    const c: Capabilities = {};
    if (caps['add'] !== undefined) c.add = strings(caps['add'], `${where}.capabilities.add`);
    if (caps['drop'] !== undefined) c.drop = strings(caps['drop'], `${where}.capabilities.drop`);
    sc.capabilities = c;
  }
  const seccomp = parseSeccomp(raw['seccompProfile']);
  if (seccomp) sc.seccompProfile = seccomp;
  return sc;
}

function parseContainer(raw: unknown, where: string): Container {
  if (!isObject(raw))
    throw new InvalidSpecError(where, 'must be an object', 'fix the container entry');
  const name = asString(raw['name']);
  if (name === undefined || name === '')
    throw new InvalidSpecError(where, 'container has no name', 'set name');
  const c: Container = { name, image: asString(raw['image']) ?? '' };
  const sc = parseSecurityContext(raw['securityContext'], `${where}.securityContext`);
  if (sc) c.securityContext = sc;
  const env = asArray(raw['env']).flatMap((e) => {
    const n = asString(field(e, 'name'));
    if (n === undefined) return [];
    const v = asString(field(e, 'value'));
    return [v === undefined ? { name: n } : { name: n, value: v }];
  });
  if (env.length > 0) c.env = env;
  const mounts = asArray(raw['volumeMounts']).flatMap((m) => {
    const n = asString(field(m, 'name'));
    const p = asString(field(m, 'mountPath'));
    return n !== undefined && p !== undefined ? [{ name: n, mountPath: p }] : [];
  });
  if (mounts.length > 0) c.volumeMounts = mounts;
  const hostPorts = asArray(raw['ports']).flatMap((p) => {
    const hp = field(p, 'hostPort');
    return typeof hp === 'number' && hp !== 0 ? [hp] : [];
  });
  if (hostPorts.length > 0) c.hostPorts = hostPorts;
  return c;
}

const volumeTypes = [
  'persistentVolumeClaim',
  'nfs',
  'hostPath',
  'emptyDir',
  'secret',
  'configMap',
  'projected',
  'downwardAPI',
  'csi',
  'ephemeral',
  'image',
  'iscsi',
  'cephfs',
  'rbd',
  'glusterfs',
  'awsElasticBlockStore',
  'gcePersistentDisk',
  'azureDisk',
  'azureFile',
  'fc',
  'flexVolume',
  'gitRepo',
  'portworxVolume',
  'quobyte',
  'scaleIO',
  'storageos',
  'vsphereVolume',
  'photonPersistentDisk',
  'cinder',
  'flocker',
];

/** Reads one pod volume; also used for VolSync moverVolumes' volumeSource. */
export function parseVolume(raw: unknown, where: string): Volume {
  if (!isObject(raw))
    throw new InvalidSpecError(where, 'must be an object', 'fix the volume entry');
  return volumeFromSource(asString(raw['name']) ?? '', raw, where);
}

export function volumeFromSource(name: string, source: Json, where: string): Volume {
  const type = volumeTypes.find((t) => source[t] !== undefined && source[t] !== null) ?? 'unknown';
  const v: Volume = { name, type };
  if (type === 'persistentVolumeClaim') {
    const claim = asString(field(source['persistentVolumeClaim'], 'claimName'));
    if (claim === undefined)
      throw new InvalidSpecError(
        `${where}.persistentVolumeClaim`,
        'claimName is missing',
        'set claimName',
      );
    v.claimName = claim;
  }
  if (type === 'nfs') {
    const server = asString(field(source['nfs'], 'server'));
    const p = asString(field(source['nfs'], 'path'));
    if (server === undefined || p === undefined)
      throw new InvalidSpecError(
        `${where}.nfs`,
        'server and path are required',
        'set nfs.server and nfs.path',
      );
    v.nfs = { server, path: p };
  }
  return v;
}

function parseSeccomp(raw: unknown) {
  const type = asString(field(raw, 'type'));
  return type === undefined ? undefined : { type };
}

function setId<K extends 'runAsUser' | 'runAsGroup' | 'fsGroup'>(
  sc: Partial<Record<K, number>>,
  key: K,
  raw: Json,
  where: string,
): void {
  const v = raw[key];
  if (v !== undefined && v !== null) sc[key] = id(v, `${where}.${key}`);
}

/** UIDs and GIDs are int64 in the API; the runtime accepts 0..2^31-1 (k8s-identity §1.2). */
function id(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new InvalidSpecError(
      where,
      `must be an integer, got ${JSON.stringify(v)}`,
      'use a numeric ID',
    );
  if (v < 0 || v > 2147483647)
    throw new InvalidSpecError(where, `${v} is out of range`, 'use an ID from 0 to 2147483647');
  return v;
}

function optBool(v: unknown, where: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw new InvalidSpecError(
      where,
      `must be true or false, got ${JSON.stringify(v)}`,
      'use a boolean',
    );
  return v;
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v)) throw new InvalidSpecError(where, 'must be a list', 'use a list of names');
  return v.map((s, i) => {
    if (typeof s !== 'string')
      throw new InvalidSpecError(`${where}[${i}]`, 'must be a string', 'use names');
    return s;
  });
}
