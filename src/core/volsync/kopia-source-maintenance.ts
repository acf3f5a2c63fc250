import type { Json } from '../k8s/json.js';
import { parsePodSpec } from '../k8s/parse-pod.js';
import { hardened, type BuiltPod } from './build-mover-pod.js';
import { sha256Hex } from './hash.js';
import type { MoverSpec } from './mover-spec.js';

const src = 'F v0.16.1 ic/mover/kopia/maintenance.go';

/**
 * The maintenance CronJob the fork's v0.16.x kopia mover creates beside each source, one per
 * repository: `kopia-maintenance-<first 16 hex of sha256 of its JSON repository config>`, as
 * UID 1000 with fsGroup 1000 whatever the source's identity (F v0.16.1 maintenance.go:93-106,
 * 270-340; the real v0.16.1 controller agrees, test/oracle).
 */
export function buildSourceMaintenancePod(m: MoverSpec, image: string): BuiltPod {
  // Go's json.Marshal of RepositoryConfig: field order, omitempty, a non-nil empty customCA
  const config = JSON.stringify({
    repository: m.repositorySecret ?? '',
    customCA: m.kopiaCustomCA ?? {},
    namespace: m.namespace,
    schedule: m.kopiaMaintenanceSchedule ?? '0 2 * * *',
  });
  const hash = sha256Hex(config).slice(0, 16);
  const sc = { ...hardened(), runAsUser: 1000, runAsNonRoot: true };
  const labels = {
    'volsync.backube/kopia-maintenance': 'true',
    'volsync.backube/repository-hash': hash,
  };
  const spec: Json = {
    serviceAccountName: 'volsync-kopia-maintenance',
    securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
    containers: [
      {
        name: 'kopia-maintenance',
        image,
        securityContext: sc,
        volumeMounts: [
          { name: 'cache', mountPath: '/cache' },
          { name: 'tempdir', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'tempdir', emptyDir: { medium: 'Memory' } },
    ],
  };
  const workload = { kind: 'CronJob' as const, name: `kopia-maintenance-${hash}` };
  return {
    workload,
    labels,
    template: { metadata: { labels }, spec },
    pod: parsePodSpec(spec, `CronJob/${workload.name}`),
    podSecurityContextFrom: `hard-coded {runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000} (${src}:304-308)`,
    baseline: sc,
    baselineSource: `hard-coded, runAsUser 1000 (${src}:330-337)`,
    overrides: [],
  };
}

/** The schedule v0.16.x gives a source's maintenance: its cron, else from the interval in days. */
export function kopiaMaintenanceSchedule(
  cron: string | undefined,
  days: number | undefined,
): string {
  if (cron) return cron;
  if (days === 7) return '0 2 * * 0';
  if (days === 30 || days === 31) return '0 2 1 * *';
  return '0 2 * * *';
}
