/**
 * One line of `kubectl kopiur migrate volsync`'s accounting as it prints it (`mapped`,
 * `UNMAPPABLE`, `ignored`), plus `dropped`: a field it does not model and so loses without a line
 * (migrate-research §3; K43:crates/cli/src/cmd/migrate/volsync_types.rs:367-430).
 */
export interface MigrationNote {
  status: 'mapped' | 'UNMAPPABLE' | 'ignored' | 'dropped';
  field: string;
  detail: string;
}

export const kopiurApiVersion = 'kopiur.home-operations.com/v1alpha1';

/** Where the translation rules were read (kopiur 0.4.3 with lines; the newest code by function). */
export const migrateSource =
  'kopiur.md §7 and K43:crates/cli/src/cmd/migrate/{kopia,translate}.rs; newest crates/migrate/src/kopia.rs@b2efc928';
