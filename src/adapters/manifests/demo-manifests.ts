// The embedded --demo snapshot (DESIGN.md §1, four other VolSync namespaces and a kopiur one); read through the same
// parser as -f, so the demo exercises the real manifest path.
export const demoFile = '<demo>';

export const demoManifests = `# The incident of DESIGN.md §1: namespace default is annotated for one root app (structurizr),
# so every kopia mover there runs as UID 0 while the NFS repository belongs to UID 1000.
apiVersion: v1
kind: Namespace
metadata:
  name: default
  annotations:
    volsync.backube/privileged-movers: "true"
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: bookstack
  namespace: default
spec:
  sourcePVC: bookstack
  trigger:
    schedule: "0 */8 * * *"
  kopia:
    repository: bookstack-volsync-secret
    copyMethod: Snapshot
    moverSecurityContext:
      runAsUser: 1000
      runAsGroup: 1000
      fsGroup: 1000
    moverVolumes:
      - mountPath: repository
        volumeSource:
          nfs:
            server: nas.home.arpa
            path: /volsync/kopia
status:
  lastSyncTime: "2026-11-30T00:00:52Z"
  lastSyncDuration: 32s
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: immich
  namespace: default
spec:
  sourcePVC: immich
  trigger:
    schedule: "0 */8 * * *"
  kopia:
    repository: immich-volsync-secret
    copyMethod: Snapshot
    moverSecurityContext:
      runAsUser: 1000
      runAsGroup: 1000
      fsGroup: 1000
    moverVolumes:
      - mountPath: repository
        volumeSource:
          nfs:
            server: nas.home.arpa
            path: /volsync/kopia
status:
  lastSyncTime: "2026-11-30T00:01:01Z"
  lastSyncDuration: 40s
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: opencloud
  namespace: default
spec:
  sourcePVC: opencloud
  trigger:
    schedule: "0 */8 * * *"
  kopia:
    repository: opencloud-volsync-secret
    copyMethod: Snapshot
    moverSecurityContext:
      runAsUser: 1000
      runAsGroup: 1000
      fsGroup: 1000
    moverVolumes:
      - mountPath: repository
        volumeSource:
          nfs:
            server: nas.home.arpa
            path: /volsync/kopia
status:
  lastSyncTime: "2026-11-30T00:00:44Z"
  lastSyncDuration: 24s
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: pocket-id
  namespace: default
spec:
  sourcePVC: pocket-id
  trigger:
    schedule: "0 */8 * * *"
  kopia:
    repository: pocket-id-volsync-secret
    copyMethod: Snapshot
    moverSecurityContext:
      runAsUser: 1000
      runAsGroup: 1000
      fsGroup: 1000
    moverVolumes:
      - mountPath: repository
        volumeSource:
          nfs:
            server: nas.home.arpa
            path: /volsync/kopia
status:
  lastSyncTime: "2026-11-30T00:00:40Z"
  lastSyncDuration: 18s
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: structurizr
  namespace: default
spec:
  sourcePVC: structurizr
  trigger:
    schedule: "0 */8 * * *"
  kopia:
    repository: structurizr-volsync-secret
    copyMethod: Snapshot
    moverSecurityContext:
      runAsUser: 1000
      runAsGroup: 1000
      fsGroup: 1000
    moverVolumes:
      - mountPath: repository
        volumeSource:
          nfs:
            server: nas.home.arpa
            path: /volsync/kopia
status:
  lastSyncTime: "2026-11-30T00:00:58Z"
  lastSyncDuration: 34s
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bookstack
  namespace: default
spec:
  selector: {matchLabels: {app: bookstack}}
  template:
    metadata: {labels: {app: bookstack}}
    spec:
      securityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
      containers:
        - name: app
          image: lscr.io/linuxserver/bookstack:24.10
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: bookstack}
---
# Namespace storage shares the NFS repository: its mover and the maintenance run as UID 1000.
apiVersion: v1
kind: Namespace
metadata:
  name: storage
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: garage
  namespace: storage
spec:
  sourcePVC: garage
  trigger:
    schedule: "0 */8 * * *"
  kopia:
    repository: garage-volsync-secret
    copyMethod: Snapshot
    moverSecurityContext:
      runAsUser: 1000
      runAsGroup: 1000
      fsGroup: 1000
    moverVolumes:
      - mountPath: repository
        volumeSource:
          nfs:
            server: nas.home.arpa
            path: /volsync/kopia
status:
  lastSyncTime: "2026-11-30T08:00:35Z"
  lastSyncDuration: 25s
---
apiVersion: volsync.backube/v1alpha1
kind: KopiaMaintenance
metadata:
  name: daily
  namespace: storage
spec:
  repository:
    repository: volsync-maintenance-secret
  trigger:
    schedule: "0 */8 * * *"
  podSecurityContext:
    runAsUser: 1000
    runAsGroup: 1000
    fsGroup: 1000
  moverVolumes:
    - mountPath: repository
      volumeSource:
        nfs:
          server: nas.home.arpa
          path: /volsync/kopia
---
# Namespace media: the annotation was set as a label (VolSync reads only annotations), and the
# restic mover has no moverSecurityContext while the app runs as 568.
apiVersion: v1
kind: Namespace
metadata:
  name: media
  labels:
    volsync.backube/privileged-movers: "true"
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: jellyfin
  namespace: media
spec:
  sourcePVC: jellyfin-config
  trigger:
    schedule: "0 3 * * *"
  restic:
    repository: jellyfin-restic
    copyMethod: Snapshot
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationDestination
metadata:
  name: jellyfin-dst
  namespace: media
spec:
  trigger:
    manual: restore-once
  restic:
    repository: jellyfin-restic
    destinationPVC: jellyfin-config
    copyMethod: Direct
    moverSecurityContext:
      runAsUser: 568
      runAsGroup: 568
      fsGroup: 568
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: jellyfin
  namespace: media
spec:
  selector: {matchLabels: {app: jellyfin}}
  serviceName: jellyfin
  template:
    metadata: {labels: {app: jellyfin}}
    spec:
      securityContext: {runAsUser: 568, runAsGroup: 568, fsGroup: 568}
      containers:
        - name: jellyfin
          image: ghcr.io/home-operations/jellyfin:10.10.7
      volumes:
        - name: config
          persistentVolumeClaim: {claimName: jellyfin-config}
---
# Namespace sync: the annotation value has a leading space (read as false), so the rsync-tls
# destination runs as UID 0 without capabilities, which VolSync does not support; the legacy rsync
# mover is root anyway.
apiVersion: v1
kind: Namespace
metadata:
  name: sync
  annotations:
    volsync.backube/privileged-movers: " true"
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationDestination
metadata:
  name: wiki-replica
  namespace: sync
spec:
  rsyncTLS:
    copyMethod: Snapshot
    capacity: 10Gi
    accessModes: [ReadWriteOnce]
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: legacy-share
  namespace: sync
spec:
  sourcePVC: legacy-share
  rsync:
    address: backup.example.internal
    sshKeys: legacy-share-ssh
---
# Namespace secure enforces Pod Security restricted, yet it allows privileged movers: the mover pod
# is rejected at admission, and runAsNonRoot cannot hold at UID 0 either.
apiVersion: v1
kind: Namespace
metadata:
  name: secure
  labels:
    pod-security.kubernetes.io/enforce: restricted
  annotations:
    volsync.backube/privileged-movers: "TRUE"
---
apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: vault
  namespace: secure
spec:
  sourcePVC: vault-data
  trigger:
    schedule: "30 1 * * *"
  rclone:
    rcloneConfig: vault-rclone
    rcloneDestPath: backups/vault
    copyMethod: Clone
    moverSecurityContext:
      runAsNonRoot: true
      runAsUser: 100
      runAsGroup: 1000
      seccompProfile:
        type: RuntimeDefault
---
# Namespace tools runs kopiur beside VolSync (the setup of Tanguille/cluster#3836): its
# ClusterRepository adopts the incident's NFS repository, kopiur manages that repository's
# maintenance itself, and the SnapshotPolicy sets no identity, so both run as kopiur's 65532.
apiVersion: v1
kind: Namespace
metadata:
  name: tools
---
apiVersion: kopiur.home-operations.com/v1alpha1
kind: ClusterRepository
metadata:
  name: nas
spec:
  backend:
    filesystem:
      path: /repository
      volume:
        nfs:
          server: nas.home.arpa
          path: /volsync/kopia
  encryption:
    passwordSecretRef:
      name: kopiur-repository
      namespace: tools
      key: KOPIA_PASSWORD
  allowedNamespaces:
    all: true
  maintenance:
    namespace: tools
---
apiVersion: kopiur.home-operations.com/v1alpha1
kind: SnapshotPolicy
metadata:
  name: paperless
  namespace: tools
spec:
  repository:
    kind: ClusterRepository
    name: nas
  sources:
    - pvc:
        name: paperless
---
# The kopiur controller: its image says which kopiur builds its movers.
apiVersion: v1
kind: Namespace
metadata:
  name: kopiur-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kopiur
  namespace: kopiur-system
  labels:
    app.kubernetes.io/name: kopiur
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: kopiur}
  template:
    metadata:
      labels: {app.kubernetes.io/name: kopiur}
    spec:
      containers:
        - name: controller
          image: ghcr.io/home-operations/kopiur-controller:0.10.8
---
# The VolSync controller, as the Helm charts deploy it: its image says which VolSync builds the
# movers (fork v0.17.11), its flags and env which mover images they run.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: volsync
  namespace: volsync-system
  labels:
    app.kubernetes.io/name: volsync
    app.kubernetes.io/instance: volsync
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: volsync, app.kubernetes.io/instance: volsync}
  template:
    metadata:
      labels: {app.kubernetes.io/name: volsync, app.kubernetes.io/instance: volsync}
    spec:
      containers:
        - name: manager
          image: ghcr.io/perfectra1n/volsync:0.17.11
          command: [/manager]
          args:
            - --leader-elect
            - --rclone-container-image=quay.io/backube/volsync:0.17.0
            - --restic-container-image=quay.io/backube/volsync:0.17.0
            - --rsync-container-image=quay.io/backube/volsync:0.17.0
            - --rsync-tls-container-image=quay.io/backube/volsync:0.17.0
            - --syncthing-container-image=quay.io/backube/volsync:0.17.0
            - --kopia-container-image=ghcr.io/perfectra1n/volsync:0.17.11
            - --scc-name=volsync-privileged-mover
          env:
            - name: RELATED_IMAGE_KOPIA_CONTAINER
              value: ghcr.io/perfectra1n/volsync:0.17.11
`;
