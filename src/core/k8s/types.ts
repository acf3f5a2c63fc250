/** The subset of the Kubernetes pod API that decides a process identity, as plain data. */

export interface Capabilities {
  add?: string[];
  drop?: string[];
}

export interface SeccompProfile {
  type?: string;
}

export interface PodSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  fsGroupChangePolicy?: string;
  supplementalGroups?: number[];
  supplementalGroupsPolicy?: string;
  seccompProfile?: SeccompProfile;
}

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  capabilities?: Capabilities;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  seccompProfile?: SeccompProfile;
}

export interface EnvVar {
  name: string;
  value?: string;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
}

export interface Container {
  name: string;
  image: string;
  securityContext?: SecurityContext;
  env?: EnvVar[];
  volumeMounts?: VolumeMount[];
  hostPorts?: number[];
}

/** A pod volume reduced to its source type and the facts that identify the storage behind it. */
export interface Volume {
  name: string;
  /** The volume source key: persistentVolumeClaim, nfs, hostPath, emptyDir, secret, ... */
  type: string;
  claimName?: string;
  nfs?: { server: string; path: string };
}

export interface PodSpec {
  securityContext?: PodSecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  serviceAccountName?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

/** What the kubelet reports in status.containerStatuses[].user.linux (k8s-identity §2.3). */
export interface ObservedUser {
  container: string;
  uid: number;
  gid: number;
  supplementalGroups: number[];
}
