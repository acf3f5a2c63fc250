/**
 * The named cases the real VolSync controllers judge (issue 17): every mover x direction x the
 * privileged-movers annotation's spellings x moverSecurityContext shapes, and the fields that
 * shape the workload (moverServiceAccount, moverPodLabels, moverVolumes, long names), plus the
 * fork's KopiaMaintenance with a schedule and with a manual trigger. Each case is its own
 * namespace, so one controller run judges all of them at once. Pure data: the records test
 * (npm test) and the live run (npm run test:oracle) read the same table.
 */
import type { Flavor } from './versions.js';

export type Mover = 'restic' | 'rclone' | 'rsync' | 'rsync-tls' | 'syncthing' | 'kopia';
export type Direction = 'src' | 'dst';

/** A Kubernetes object as the case creates it. */
export interface CaseObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface OracleCase {
  /** Also the namespace's name: unique, <= 63 characters. */
  id: string;
  /** The VolSync object the controller builds workloads for. */
  subject: { kind: string; name: string };
  namespace: CaseObject;
  /** The subject first, then what it needs (Secrets, PVCs). */
  objects: CaseObject[];
  /** The flavors whose CRDs have the subject's kind and mover. */
  flavors: Flavor[];
  /** The oldest fork version with the subject's kind (KopiaMaintenance came in v0.16.5). */
  since?: string;
}

const specKey: Record<Mover, string> = {
  restic: 'restic',
  rclone: 'rclone',
  rsync: 'rsync',
  'rsync-tls': 'rsyncTLS',
  syncthing: 'syncthing',
  kopia: 'kopia',
};

/** The annotation values: absent, VolSync's own spelling, and those it must not accept. */
export const annotations = {
  none: undefined,
  true: 'true',
  TRUE: 'TRUE',
  False: 'False',
  spaced: ' true',
  yes: 'yes',
} as const;
export type AnnotationKey = keyof typeof annotations;

const annotationWords: Record<AnnotationKey, string> = {
  none: 'none',
  true: 'true',
  TRUE: 'upper',
  False: 'false',
  spaced: 'spaced',
  yes: 'yes',
};

/** moverSecurityContext shapes users write (the incident's, a root one, a hardened one). */
export const securityContexts: Record<string, Record<string, unknown> | undefined> = {
  none: undefined,
  incident: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
  root: { runAsUser: 0 },
  hardened: {
    runAsUser: 568,
    runAsGroup: 568,
    runAsNonRoot: true,
    fsGroup: 568,
    fsGroupChangePolicy: 'OnRootMismatch',
    supplementalGroups: [10000, 10001],
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

export interface MoverCaseOptions {
  mover: Mover;
  dir: Direction;
  annotation?: AnnotationKey;
  sc?: keyof typeof securityContexts;
  serviceAccount?: boolean;
  podLabels?: boolean;
  volumes?: boolean;
  longName?: boolean;
  psa?: 'restricted' | 'baseline';
  /** Set for generated cases, which may repeat a named one: keeps the namespace unique. */
  prefix?: string;
}

const secret = (ns: string, name: string, data: Record<string, string>): CaseObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: ns },
  stringData: data,
});

const pvc = (ns: string, name: string): CaseObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: ns },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
});

const serviceAccount = (ns: string, name: string): CaseObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
});

const kopiaSecret = (ns: string) =>
  secret(ns, 'kopia-repo', { KOPIA_REPOSITORY: 'filesystem:///repo', KOPIA_PASSWORD: 'oracle' });

/** What each mover's settings say beyond the shared ones, and the Secrets it needs to start. */
function moverSettings(
  mover: Mover,
  dir: Direction,
  ns: string,
): { fields: Record<string, unknown>; objects: CaseObject[] } {
  switch (mover) {
    case 'restic':
      return {
        fields: { repository: 'restic-repo' },
        objects: [
          secret(ns, 'restic-repo', { RESTIC_REPOSITORY: '/repo', RESTIC_PASSWORD: 'oracle' }),
        ],
      };
    case 'kopia':
      return { fields: { repository: 'kopia-repo' }, objects: [kopiaSecret(ns)] };
    case 'rclone':
      return {
        fields: {
          rcloneConfig: 'rclone-conf',
          rcloneConfigSection: 'remote',
          rcloneDestPath: 'bucket/path',
        },
        objects: [secret(ns, 'rclone-conf', { 'rclone.conf': '[remote]\ntype = local\n' })],
      };
    case 'rsync':
      if (dir === 'dst') return { fields: {}, objects: [] };
      return {
        fields: { address: 'dest.invalid', sshKeys: 'rsync-keys' },
        objects: [
          secret(ns, 'rsync-keys', { source: 'k', 'source.pub': 'k', 'destination.pub': 'k' }),
        ],
      };
    case 'rsync-tls':
      if (dir === 'dst') return { fields: {}, objects: [] };
      return {
        fields: { address: 'dest.invalid', keySecret: 'tls-key' },
        objects: [secret(ns, 'tls-key', { 'psk.txt': 'volsync:0123456789abcdef0123456789abcdef' })],
      };
    case 'syncthing':
      return { fields: {}, objects: [] };
  }
}

function caseId(o: MoverCaseOptions): string {
  const parts = [o.mover, o.dir, `a-${annotationWords[o.annotation ?? 'none']}`];
  if (o.sc && o.sc !== 'none') parts.push(`sc-${o.sc}`);
  if (o.serviceAccount) parts.push('sa');
  if (o.podLabels) parts.push('labels');
  if (o.volumes) parts.push('volumes');
  if (o.longName) parts.push('long');
  if (o.psa) parts.push(`psa-${o.psa}`);
  return `${o.prefix ?? ''}${parts.join('-')}`.slice(0, 63).replace(/-+$/, '');
}

/** The subject's name: a 70-character one makes VolSync hash the Job name and label values. */
const subjectName = (longName: boolean | undefined) =>
  longName ? 'a-replication-object-whose-name-is-longer-than-sixty-three-characters' : 'app';

/** One RS or RD with everything it needs to get its workload from the real controller. */
export function moverCase(o: MoverCaseOptions): OracleCase {
  const id = caseId(o);
  const ns = id;
  const name = subjectName(o.longName);
  const annotation = annotations[o.annotation ?? 'none'];
  const namespace: CaseObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      ...(annotation !== undefined && {
        annotations: { 'volsync.backube/privileged-movers': annotation },
      }),
      ...(o.psa && { labels: { 'pod-security.kubernetes.io/enforce': o.psa } }),
    },
  };
  const { fields, objects } = moverSettings(o.mover, o.dir, ns);
  const mover: Record<string, unknown> = { ...fields };
  // Direct: the mover reads the application's PVC itself, no snapshot machinery is needed
  if (o.mover !== 'syncthing') mover['copyMethod'] = 'Direct';
  if (o.dir === 'dst') mover['destinationPVC'] = 'data';
  const sc = securityContexts[o.sc ?? 'none'];
  if (sc && o.mover !== 'rsync') mover['moverSecurityContext'] = sc;
  if (o.serviceAccount) {
    // VolSync refuses to start a mover whose ServiceAccount does not exist
    mover['moverServiceAccount'] = 'custom-mover';
    objects.push(serviceAccount(ns, 'custom-mover'));
  }
  if (o.podLabels)
    mover['moverPodLabels'] = { team: 'storage', 'app.kubernetes.io/created-by': 'someone-else' };
  if (o.volumes) {
    mover['moverVolumes'] = [
      { mountPath: 'repo', volumeSource: { persistentVolumeClaim: { claimName: 'repo-pvc' } } },
      { mountPath: 'certs', volumeSource: { secret: { secretName: 'extra-certs' } } },
      { mountPath: 'nfs', volumeSource: { nfs: { server: 'nfs.invalid', path: '/export' } } },
    ];
    objects.push(pvc(ns, 'repo-pvc'), secret(ns, 'extra-certs', { 'ca.crt': 'x' }));
  }
  const kind = o.dir === 'src' ? 'ReplicationSource' : 'ReplicationDestination';
  const spec: Record<string, unknown> = { [specKey[o.mover]]: mover };
  if (o.dir === 'src') spec['sourcePVC'] = 'data';
  if (o.mover !== 'syncthing') spec['trigger'] = { manual: 'oracle' };
  const subject: CaseObject = {
    apiVersion: 'volsync.backube/v1alpha1',
    kind,
    metadata: { name, namespace: ns },
    spec,
  };
  return {
    id,
    subject: { kind, name },
    namespace,
    objects: [subject, pvc(ns, 'data'), ...objects],
    flavors: o.mover === 'kopia' ? ['fork'] : ['upstream', 'fork'],
  };
}

export interface MaintenanceCaseOptions {
  id: string;
  trigger: 'schedule' | 'manual';
  podSecurityContext?: Record<string, unknown>;
  containerSecurityContext?: Record<string, unknown>;
  serviceAccount?: boolean;
  volumes?: boolean;
}

/** A KopiaMaintenance of the fork: a CronJob for a schedule, a Job for a manual trigger. */
export function maintenanceCase(o: MaintenanceCaseOptions): OracleCase {
  const ns = `km-${o.id}`;
  const spec: Record<string, unknown> = {
    repository: { repository: 'kopia-repo' },
    trigger: o.trigger === 'manual' ? { manual: 'oracle' } : { schedule: '0 3 * * *' },
  };
  if (o.podSecurityContext) spec['podSecurityContext'] = o.podSecurityContext;
  if (o.containerSecurityContext) spec['containerSecurityContext'] = o.containerSecurityContext;
  const objects: CaseObject[] = [kopiaSecret(ns)];
  if (o.serviceAccount) {
    spec['serviceAccountName'] = 'custom-maintenance';
    objects.push(serviceAccount(ns, 'custom-maintenance'));
  }
  if (o.volumes) {
    spec['moverVolumes'] = [
      { mountPath: 'repo', volumeSource: { persistentVolumeClaim: { claimName: 'repo-pvc' } } },
    ];
    objects.push(pvc(ns, 'repo-pvc'));
  }
  return {
    id: ns,
    subject: { kind: 'KopiaMaintenance', name: 'daily' },
    namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    objects: [
      {
        apiVersion: 'volsync.backube/v1alpha1',
        kind: 'KopiaMaintenance',
        metadata: { name: 'daily', namespace: ns },
        spec,
      },
      ...objects,
    ],
    flavors: ['fork'],
    since: 'v0.16.5',
  };
}

const movers: Mover[] = ['restic', 'rclone', 'rsync', 'rsync-tls', 'syncthing', 'kopia'];
const directions = (m: Mover): Direction[] => (m === 'syncthing' ? ['src'] : ['src', 'dst']);

/** The named case table: about 170 cases, each judged by every version that has its kind. */
export function oracleCases(): OracleCase[] {
  const out: OracleCase[] = [];
  for (const mover of movers)
    for (const dir of directions(mover)) {
      for (const annotation of ['none', 'true', 'TRUE', 'False'] as const)
        for (const sc of ['none', 'incident'] as const)
          out.push(moverCase({ mover, dir, annotation, sc }));
      out.push(moverCase({ mover, dir, annotation: 'spaced' }));
      out.push(moverCase({ mover, dir, annotation: 'yes', sc: 'root' }));
      out.push(moverCase({ mover, dir, sc: 'hardened', psa: 'restricted' }));
      out.push(moverCase({ mover, dir, annotation: 'true', sc: 'hardened', psa: 'baseline' }));
      out.push(moverCase({ mover, dir, serviceAccount: true, podLabels: true }));
      out.push(moverCase({ mover, dir, annotation: 'true', serviceAccount: true }));
      out.push(moverCase({ mover, dir, annotation: 'true', volumes: true, sc: 'incident' }));
      out.push(moverCase({ mover, dir, longName: true, annotation: 'true' }));
    }
  const pod2000 = { runAsUser: 2000, runAsGroup: 2000, fsGroup: 2000 };
  const container568 = { runAsUser: 568, allowPrivilegeEscalation: false };
  out.push(
    maintenanceCase({ id: 'default', trigger: 'schedule' }),
    maintenanceCase({ id: 'manual', trigger: 'manual' }),
    maintenanceCase({ id: 'pod-sc', trigger: 'schedule', podSecurityContext: pod2000 }),
    maintenanceCase({ id: 'pod-sc-manual', trigger: 'manual', podSecurityContext: pod2000 }),
    maintenanceCase({
      id: 'container-sc',
      trigger: 'schedule',
      containerSecurityContext: container568,
      serviceAccount: true,
    }),
    maintenanceCase({ id: 'volumes', trigger: 'schedule', volumes: true }),
    maintenanceCase({
      id: 'container-sc-manual',
      trigger: 'manual',
      containerSecurityContext: container568,
      serviceAccount: true,
      volumes: true,
    }),
  );
  return out;
}
