import type { PolicyApi } from './admission/scope-policy.js';
import type { ImageFacts } from './identity/image.js';
import type { Unknown } from './identity/unknown.js';
import type { KubeObject } from './k8s/object.js';
import {
  isKopiurController,
  kopiurVersionOfController,
  type KopiurVersionChoice,
} from './kopiur/resolve-kopiur-version.js';
import type { RepositoryFacts } from './repository-facts.js';
import type { StorageFacts } from './storage/storage-facts.js';
import type { MoverType } from './volsync/movers.js';
import { isVolSyncController, resolveControllerImages } from './volsync/controller-images.js';
import { versionOfController, type VersionChoice } from './volsync/versions/resolve-version.js';

export type MoverImageKey = MoverType | 'kopia-maintenance';

/** Plain facts read by a source (files, demo, cluster): the single input of the core. */
export interface Snapshot {
  /** Namespaces, VolSync objects, PVCs, PVs and pod-bearing workloads. */
  objects: KubeObject[];
  /** Identity facts known about images (built-in table, --image-user, registry). */
  images: ImageFacts[];
  /** The image VolSync uses per mover, and how that is known. */
  moverImages: { images: Record<MoverImageKey, string>; source: string };
  /** Facts the source could not read. */
  unknowns: Unknown[];
  /** Whether every Namespace of the input is present (a cluster read), or only those in files. */
  namespacesComplete: boolean;
  /**
   * `--server-dry-run`: what the API server answered to creating each mover's predicted pod with
   * dryRun=All, by `Kind/namespace/name` (see report/predicted-pods.ts).
   */
  serverDryRun?: Record<string, ServerDryRun>;
  /** The admission policy APIs the cluster serves (discovery); undefined when not known (files). */
  policyApis?: PolicyApis;
  /** A repository source's own facts (--flux). */
  repository?: RepositoryFacts;
  /** Which VolSync the predictions are for (--volsync-version, else the controller read). */
  volsyncVersion?: VersionChoice;
  /** Which kopiur builds its movers (--kopiur-version, else the kopiur controller read). */
  kopiurVersion?: KopiurVersionChoice;
  /** NFS exports' squash modes (--nfs-squash, audit --probe) and audits of volumes. */
  storage?: StorageFacts;
}

/** The served version of MutatingAdmissionPolicy and ValidatingAdmissionPolicy, or null. */
export interface PolicyApis {
  mutating: PolicyApi | null;
  validating: PolicyApi | null;
}

/** The admitted pod (after mutating admission), or the server's rejection message. */
export type ServerDryRun = { admitted: true; spec: unknown } | { admitted: false; message: string };

/**
 * The snapshot of an offline source (files, kustomize, demo): mover images from the VolSync Helm
 * charts' defaults (the controller is not read), image facts from --image-user then the built-in table.
 */
export function offlineSnapshot(
  objects: KubeObject[],
  imageFlags: ImageFacts[],
  builtIn: ImageFacts[],
  charts: { upstream: string; fork: string },
): Snapshot {
  const images: Record<MoverImageKey, string> = {
    restic: charts.upstream,
    rclone: charts.upstream,
    rsync: charts.upstream,
    'rsync-tls': charts.upstream,
    syncthing: charts.upstream,
    kopia: charts.fork,
    'kopia-maintenance': charts.fork,
  };
  // a VolSync controller Deployment in the manifests says the images and the version, as on a cluster
  const controller = objects.find(isVolSyncController);
  const version = controller && versionOfController(controller);
  const kopiur = objects.find(isKopiurController);
  const kopiurVersion = kopiur && kopiurVersionOfController(kopiur);
  return {
    objects,
    images: [...imageFlags, ...builtIn],
    moverImages: controller
      ? resolveControllerImages(controller)
      : {
          images,
          source: `VolSync Helm chart defaults (${charts.upstream}; kopia: ${charts.fork}); the controller's --<mover>-container-image flags are not read offline`,
        },
    ...(version && { volsyncVersion: version }),
    ...(kopiurVersion && { kopiurVersion }),
    unknowns: [],
    namespacesComplete: false,
  };
}
