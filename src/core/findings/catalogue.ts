import type { Severity } from '../report/types.js';

/** Every finding code, its default severity and a one-line title (README and SARIF rules). */
export const findingCodes: Record<string, { severity: Severity; title: string }> = {
  VP001: {
    severity: 'error',
    title: 'privileged-movers annotation overrides moverSecurityContext.runAsUser',
  },
  VP002: { severity: 'warning', title: 'mover runs as UID 0 and writes root-owned files' },
  VP003: { severity: 'error', title: 'movers sharing a repository run with different UIDs/GIDs' },
  VP004: { severity: 'error', title: 'rsync-tls at UID 0 without privileges is unsupported' },
  VP005: { severity: 'error', title: 'runAsNonRoot that the kubelet will refuse' },
  VP006: { severity: 'warning', title: 'legacy rsync mover always runs as root' },
  VP007: {
    severity: 'warning',
    title: 'privileged-movers annotation VolSync does not read as intended',
  },
  VP008: { severity: 'warning', title: 'fsGroup has no effect on NFS volumes' },
  VP009: { severity: 'error', title: 'admission rejects the mover pod' },
  VP010: {
    severity: 'warning',
    title: 'mover identity differs from the workload that mounts the same PVC',
  },
  VP011: {
    severity: 'warning',
    title: 'KopiaMaintenance identity differs from the kopia movers it maintains',
  },
  VP012: {
    severity: 'warning',
    title: 'capabilities added for a non-zero UID never become effective',
  },
  VP013: { severity: 'warning', title: 'image USER group is ignored by Kubernetes' },
  VP014: { severity: 'warning', title: 'KopiaMaintenance manual trigger runs as UID 1000' },
  VP015: { severity: 'error', title: 'image user has no /etc/passwd entry' },
  VP016: {
    severity: 'warning',
    title:
      'the running mover pod differs from what VolSync builds (a webhook or policy changed it)',
  },
  VP017: {
    severity: 'warning',
    title: 'a per-mover Role keeps the SCC grant after the mover stopped being privileged',
  },
  VP018: {
    severity: 'error',
    title: 'a privileged mover outside the scope annotate --scoped recorded on its namespace',
  },
  VP019: {
    severity: 'warning',
    title: 'Pod Security of the namespace relaxed to baseline by fix-job --relax-psa',
  },
  VP020: {
    severity: 'warning',
    title: 'a Flux postBuild variable no template of its Kustomization reads',
  },
  VP021: {
    severity: 'warning',
    title: 'a privileged-movers annotation in a Namespace manifest no Flux Kustomization renders',
  },
  VP022: {
    severity: 'warning',
    title: 'a UID 0 mover on an NFS export that squashes root: no root power there',
  },
  VP023: {
    severity: 'error',
    title: 'an audit found files on the storage that a mover or KopiaMaintenance cannot read',
  },
  VP024: {
    severity: 'warning',
    title: "a mover cannot read the database's private data directory it backs up",
  },
  VP025: {
    severity: 'warning',
    title: 'a workload VolSync created differs from what the VolSync version builds',
  },
  VP026: {
    severity: 'info',
    title: 'the VolSync version is assumed, and other versions build the workloads otherwise',
  },
  VP027: {
    severity: 'error',
    title: "kopiur's privileged-mover gate refuses an elevated mover (MoverPermitted=False)",
  },
  VP028: {
    severity: 'warning',
    title: "a kopiur mover at UID 0 without DAC capabilities: root that cannot read others' files",
  },
  VP029: {
    severity: 'warning',
    title: 'a kopiur mover with runAsUser but no runAsGroup runs with primary GID 0',
  },
  VP030: {
    severity: 'warning',
    title: "kopiur's default fsGroup 65532 re-groups a restore target",
  },
  VP031: {
    severity: 'error',
    title:
      "two maintenance owners of one kopia repository: the fork's KopiaMaintenance and kopiur's",
  },
  VP032: {
    severity: 'error',
    title:
      'kopiur holds the run: inheritSecurityContextFrom has nothing to inherit and no explicit runAsUser',
  },
};
