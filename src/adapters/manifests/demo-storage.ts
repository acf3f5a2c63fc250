import type { NfsExportFacts } from '../../core/storage/nfs-exports.js';

/** The incident's NFS export (DESIGN.md §1): the NAS exports the repository with no_root_squash. */
export const demoExports: NfsExportFacts[] = [
  {
    server: 'nas.home.arpa',
    path: '/volsync',
    squash: { mode: 'no_root_squash', anonUid: 65534, anonGid: 65534 },
    serverKind: 'kernel',
    source: 'the incident (DESIGN.md §1): /etc/exports on nas.home.arpa',
  },
];
