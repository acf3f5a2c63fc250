import type { Identity } from '../../identity/identity.js';
import type { Subject } from '../../report/types.js';
import type { Migration } from './migrate-snapshot.js';

/** One way the migrated mover differs from today's, in what it breaks. */
export interface MigrationChange {
  code:
    | 'privileged-dropped'
    | 'identity-changed'
    | 'context-dropped'
    | 'fsgroup-changed'
    | 'refused'
    | 'maintenance-identity';
  message: string;
  fix: string;
}

const first = (s: Subject | undefined): Identity | undefined => s?.containers[0]?.identity;
const id = (i: Identity) => (i.gid === null ? `UID ${i.uid ?? '?'}` : `${i.uid ?? '?'}:${i.gid}`);
const pin = (i: Identity) =>
  [
    ...(i.uid === null ? [] : [`runAsUser ${i.uid}`]),
    ...(i.gid === null ? [] : [`runAsGroup ${i.gid}`]),
  ].join(' and ');
const caps = (i: Identity) =>
  i.capabilities === null
    ? 'unknown capabilities'
    : i.capabilities.length
      ? i.capabilities.join(', ')
      : 'no capabilities';
const sameId = (a: Identity, b: Identity) => a.uid === b.uid && a.gid === b.gid;

/**
 * What running the kopiur object instead of the VolSync one breaks (kopiur.md §7 and §9): the
 * privileged grant migrate never reads, a destination's dropped context, another UID or fsGroup
 * on the same files, the maintenance identity that takes over. Findings of the migrated object
 * (its gate, VP003 across writers) come from the same engine and are not repeated here.
 */
export function migrationChanges(
  m: Migration,
  today: Subject | undefined,
  after: Subject | undefined,
): MigrationChange[] {
  if (m.outcome === 'refused')
    return [
      {
        code: 'refused',
        message: `${m.reason ?? 'not translatable'}; the run stops there and writes nothing`,
        fix: 'migrate the others with --name NAME (each restic or kopia object), and keep this mover on VolSync',
      },
    ];
  const before = first(today);
  const now = first(after);
  if (!before || !now) return [];
  if (m.outcome === 'retired') {
    if (sameId(before, now)) return [];
    return [
      {
        code: 'maintenance-identity',
        message: `maintenance runs as ${id(now)} instead of ${id(before)}: kopia rewrites kopia.maintenance.f and index blobs with mode 0600 as ${id(now)}, which writers at ${id(before)} read on every connect (Tanguille/cluster#3836)`,
        fix: `set the Repository's spec.moverDefaults (or spec.maintenance.mover) securityContext runAsUser/runAsGroup to the writers' UID:GID`,
      },
    ];
  }
  const out: MigrationChange[] = [];
  const dropped = m.notes.find(
    (n) => n.status === 'dropped' && n.field.endsWith('.moverSecurityContext'),
  );
  if (today?.privileged === true && now.uid !== 0)
    out.push({
      code: 'privileged-dropped',
      message: `VolSync runs it as root with ${caps(before)} (the namespace's volsync.backube/privileged-movers); migrate never reads that annotation, so kopiur runs it as ${id(now)} with ${caps(now)}: files of other UIDs with kopia's 0600/0700 modes stop being readable`,
      fix: 'give the files one owner with kubectl volsync-perms fix-job, or in kopiur set spec.mover.securityContext runAsUser: 0 with capabilities.add [DAC_READ_SEARCH] and annotate the namespace kopiur.home-operations.com/privileged-movers="true"',
    });
  else if (today?.privileged === true && now.uid === 0 && (now.capabilities?.length ?? 0) === 0)
    out.push({
      code: 'privileged-dropped',
      message: `VolSync gives root ${caps(before)}; the kopiur mover is root with no capabilities, so it cannot read other UIDs' 0600 files either`,
      fix: 'add the capabilities it needs in spec.mover.securityContext.capabilities.add, or give the files one owner',
    });
  else if (dropped)
    out.push({
      code: 'context-dropped',
      message: `the destination's moverSecurityContext is dropped without an accounting line: the Restore runs as ${id(now)} instead of ${id(before)}`,
      fix: 'set Restore.spec.mover.podSecurityContext to the old moverSecurityContext; not inheritSecurityContextFrom.snapshot, which holds the Restore (MissingRecordedIdentity) on the backups VolSync wrote: they carry no recorded identity',
    });
  else if (!sameId(before, now))
    out.push({
      code: 'identity-changed',
      message: `runs as ${id(now)} instead of ${id(before)}: ${
        m.from.kind === 'ReplicationDestination'
          ? `the restored files are owned by ${id(now)}, not what the application ran with`
          : m.mover === 'kopia'
            ? `the source's files and the 0600/0700 files it wrote to the repository it keeps (adopted in place) as ${id(before)} may not be readable by ${id(now)}`
            : `the source's files ${id(before)} could read may not be readable by ${id(now)} (the restic repository is replaced by a new kopia one)`
      }`,
      fix:
        before.uid === 0
          ? 'kopiur gates root and adds no capability: set spec.mover.securityContext runAsUser: 0 and annotate the namespace kopiur.home-operations.com/privileged-movers="true", or give the files an owner a non-root mover can run as (fix-job)'
          : `pin ${pin(before) || 'the old identity'} in spec.mover.podSecurityContext, or repair ownership with kubectl volsync-perms fix-job`,
    });
  if (now.fsGroup !== before.fsGroup && now.fsGroup !== null)
    out.push({
      code: 'fsgroup-changed',
      message: `fsGroup ${now.fsGroup} instead of ${before.fsGroup ?? 'none'}: kubelet gives the mover's volumes group ${now.fsGroup}${m.from.kind === 'ReplicationDestination' ? ', so the restored files the application reads carry it' : ''} (NFS ignores it)`,
      fix: `set spec.mover.podSecurityContext.fsGroup to ${before.fsGroup ?? "the application's group"}`,
    });
  return out;
}
