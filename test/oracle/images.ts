/** The mover images the oracle gives the controller: one per mover, so a wrong pick shows. */
export const oracleImages = {
  restic: 'oracle.invalid/restic:1',
  rclone: 'oracle.invalid/rclone:1',
  rsync: 'oracle.invalid/rsync:1',
  'rsync-tls': 'oracle.invalid/rsync-tls:1',
  syncthing: 'oracle.invalid/syncthing:1',
  kopia: 'oracle.invalid/kopia:1',
};
