import type { Json } from '../k8s/json.js';
import type { MoverShape } from './mover-spec.js';
import type { VolsyncVersion } from './versions/types.js';

/** A pod volume and where container 0 mounts it, as VolSync writes them. */
export interface MountedVolume {
  volume: Json;
  mount?: Json;
}

const memory = { emptyDir: { medium: 'Memory' } };
/** VolSync mounts its Secrets 0600 (defaultMode 384). */
const secretVolume = (secretName: string) => ({ secret: { secretName, defaultMode: 384 } });
const pvc = (claimName: string) => ({ persistentVolumeClaim: { claimName } });

const dirOf = (m: MoverShape) => (m.kind === 'ReplicationSource' ? 'src' : 'dst');

/**
 * The claim holding the application's data: the PVC itself with copyMethod Direct (and any
 * destinationPVC), else the point-in-time copy VolSync makes (volsync-semantics §6.1).
 */
function dataClaim(m: MoverShape): string {
  const direct = m.copyMethod === 'Direct' || m.copyMethod === 'None';
  if (m.dataPVC !== undefined && (direct || m.kind === 'ReplicationDestination')) return m.dataPVC;
  return m.kind === 'ReplicationSource' ? `volsync-${m.name}-src` : `volsync-${m.name}-dest`;
}

function at(name: string, source: Json, mountPath?: string): MountedVolume {
  return {
    volume: { name, ...source },
    ...(mountPath !== undefined && { mount: { name, mountPath } }),
  };
}

/**
 * The volumes VolSync gives each mover's pod, in its order, with their mounts on container 0
 * (checked against the real controllers by test/oracle); moverVolumes last, at /mnt/<mountPath>.
 */
export function moverVolumes(
  m: MoverShape,
  v: VolsyncVersion,
): { volumes: Json[]; mounts: Json[] } {
  const list = builtIn(m, v);
  const mounts = list.flatMap((x) => (x.mount ? [x.mount] : []));
  for (const mv of m.moverVolumes) {
    if (!v.moverVolumeTypes.includes(mv.volume.type)) continue;
    const name = `u-${mv.mountPath}`;
    list.push(at(name, mv.source));
    mounts.push({ name, mountPath: `/mnt/${mv.mountPath}` });
  }
  return { volumes: list.map((x) => x.volume), mounts };
}

function builtIn(m: MoverShape, v: VolsyncVersion): MountedVolume[] {
  const dir = dirOf(m);
  const data = at('data', pvc(dataClaim(m)), '/data');
  switch (m.mover) {
    case 'restic':
      return [
        data,
        at('cache', pvc(`volsync-${dir}-${m.name}-cache`), '/cache'),
        at('tempdir', memory, '/tmp'),
      ];
    case 'rclone':
      return [
        data,
        at('rclone-secret', secretVolume(m.repositorySecret ?? ''), '/rclone-config/'),
        at('tempdir', memory, '/tmp'),
      ];
    case 'rsync':
      return [
        data,
        at('keys', secretVolume(m.keysSecret ?? `volsync-rsync-${dir}-dest-${m.name}`), '/keys'),
        at('tempsshdir', memory, '/root/.ssh'),
        at('tempdir', memory, '/tmp'),
      ];
    case 'rsync-tls':
      return [
        data,
        at('keys', secretVolume(m.keysSecret ?? `volsync-rsync-tls-${m.name}`), '/keys'),
        at('tempdir', memory, '/tmp'),
      ];
    case 'syncthing':
      return [
        at('syncthing-config', pvc(`volsync-${m.name}-config`), '/mover-syncthing/config'),
        // syncthing syncs the live PVC: no copyMethod, no point-in-time copy
        at('syncthing-data', pvc(m.dataPVC ?? dataClaim(m)), '/data'),
        at(
          'https-certs',
          {
            secret: {
              secretName: `volsync-${m.name}`,
              items: [
                { key: 'httpsKeyPEM', path: 'https-key.pem' },
                { key: 'httpsCertPEM', path: 'https-cert.pem' },
              ],
              defaultMode: 384,
            },
          },
          '/certs',
        ),
        at('tempdir', memory, '/tmp'),
      ];
    case 'kopia': {
      const cache = { emptyDir: { sizeLimit: v.kopiaCacheSizeLimit ?? '8Gi' } };
      if (dir === 'src') return [data, at('tempdir', memory, '/tmp'), at('cache', cache, '/cache')];
      return [
        at('data', pvc(dataClaim(m)), '/restore/data'),
        at('tempdir', memory, '/tmp'),
        at('restore', { emptyDir: {} }, '/restore'),
        at('cache', cache, '/cache'),
      ];
    }
  }
}
