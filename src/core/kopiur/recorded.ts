import { asInteger, asString, isObject, path } from '../k8s/json.js';
import { namespaceOf, type KubeObject } from '../k8s/object.js';
import { parseTimestamp } from '../k8s/time.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import { isKopiurObject } from './parse-kopiur.js';

/**
 * The identity a kopiur backup ran as, recorded on the kopia snapshot as the `kopiur-meta` tag and
 * decoded by the catalog scan into `Snapshot.status.recorded` (kopiur.md §6). An absent uid or gid
 * means the image decided it.
 */
export interface RecordedIdentity {
  uid?: number;
  gid?: number;
  fsGroup?: number;
  /** Which layer pinned it at backup time: inherited, explicit, defaults or unknown. */
  src: string;
}

/** Where `inheritSecurityContextFrom.snapshot` takes a Restore's identity from. */
export type RecordedSource =
  | { found: 'recorded'; snapshot: string; recorded: RecordedIdentity }
  /** kopiur holds the run: the Snapshot it would read carries no recorded identity. */
  | { found: 'none'; why: string }
  /** The input cannot say: the Snapshot rows kopiur would search are not in it. */
  | { found: 'unknown'; why: string };

function recordedOf(o: KubeObject): RecordedIdentity | undefined {
  const r = path(o.status, 'recorded');
  if (!isObject(r)) return undefined;
  const uid = asInteger(r['uid']);
  const gid = asInteger(r['gid']);
  const fsGroup = asInteger(r['fsGroup']);
  return {
    src: asString(r['src']) ?? 'unknown',
    ...(uid !== undefined && { uid }),
    ...(gid !== undefined && { gid }),
    ...(fsGroup !== undefined && { fsGroup }),
  };
}

interface Identity {
  username: string;
  hostname: string;
  sourcePath?: string;
}

interface Selection {
  namespace: string;
  identity: Identity;
  asOf?: string;
  offset: number;
  kopiaSnapshotId?: string;
}

const refOf = (o: KubeObject) => `Snapshot/${namespaceOf(o)}/${o.metadata.name}`;

const rowIdentity = (o: KubeObject): Identity | undefined => {
  const i = path(o.status, 'snapshot', 'identity');
  const username = asString(path(i, 'username'));
  const hostname = asString(path(i, 'hostname'));
  const sourcePath = asString(path(i, 'sourcePath'));
  return username === undefined || hostname === undefined
    ? undefined
    : { username, hostname, ...(sourcePath !== undefined && { sourcePath }) };
};

/** An absent sourcePath matches any path of the identity, as kopiur's own selector does. */
const matches = (want: Identity, row: Identity | undefined) =>
  row !== undefined &&
  row.username === want.username &&
  row.hostname === want.hostname &&
  (want.sourcePath === undefined || row.sourcePath === want.sourcePath);

interface Row {
  o: KubeObject;
  recorded: RecordedIdentity;
  /** status.timing.endTime in seconds; NaN when undated. */
  at: number;
}

const endTime = (o: KubeObject) => asString(path(o.status, 'timing', 'endTime'));
const instant = (t: string | undefined) => parseTimestamp(t) ?? NaN;

/**
 * kopiur's CR-catalog search for a recorded identity (K:crates/controller/src/restore.rs
 * select_recorded_source): the rows of the identity that carry `status.recorded`, newest endTime
 * first with undated rows last, cut at asOf (an undated row cannot prove it is before the cut),
 * then the offset (0 latest; a negative one counts as 0), or the one kopia snapshot pinned. A row
 * without a recorded identity is skipped, so the data restored is the older recorded row's too.
 */
function search(rows: readonly KubeObject[], s: Selection): Row | undefined {
  const mine = rows.flatMap((o): Row[] => {
    const recorded = recordedOf(o);
    return recorded && matches(s.identity, rowIdentity(o))
      ? [{ o, recorded, at: instant(endTime(o)) }]
      : [];
  });
  if (s.kopiaSnapshotId !== undefined)
    return mine.find(
      (r) => asString(path(r.o.status, 'snapshot', 'kopiaSnapshotID')) === s.kopiaSnapshotId,
    );
  const cut = instant(s.asOf);
  const kept = Number.isNaN(cut) ? mine : mine.filter((r) => r.at <= cut);
  const newestFirst = kept.sort((a, b) =>
    Number.isNaN(a.at) || Number.isNaN(b.at)
      ? Number(Number.isNaN(a.at)) - Number(Number.isNaN(b.at))
      : b.at - a.at,
  );
  return newestFirst[Math.max(0, s.offset)];
}

/**
 * The policy's kopia identity: `spec.identity` overrides, else what kopiur resolved at admission
 * (`status.resolved.identity`), else the defaults (username = the policy's name, hostname = its
 * namespace) unless the repository's `identityDefaults` computes them in CEL (kopiur.md §5).
 */
function policyIdentity(
  policy: KubeObject,
  repository: KubeObject | undefined,
): Identity | undefined {
  const pick = (f: 'username' | 'hostname', fallback: string) =>
    asString(path(policy.spec, 'identity', f)) ??
    asString(path(policy.status, 'resolved', 'identity', f)) ??
    (path(repository?.spec, 'identityDefaults', `${f}Expr`) === undefined ? fallback : undefined);
  const username = pick('username', policy.metadata.name);
  const hostname = pick('hostname', namespaceOf(policy));
  return username === undefined || hostname === undefined ? undefined : { username, hostname };
}

function selectionOf(
  restore: KubeObject,
  index: SnapshotIndex,
  repository: KubeObject | undefined,
): Selection | { why: string } {
  const ns = namespaceOf(restore);
  const fromPolicy = path(restore.spec, 'source', 'fromPolicy');
  const identity = path(restore.spec, 'source', 'identity');
  const asOf = (x: unknown) => asString(path(x, 'asOf'));
  if (isObject(fromPolicy)) {
    const name = asString(fromPolicy['name']) ?? '';
    const policyNs = asString(fromPolicy['namespace']) ?? ns;
    const policy = index.get('SnapshotPolicy', policyNs, name);
    const id = policy && policyIdentity(policy, repository);
    if (!id)
      return {
        why: `${
          policy
            ? `SnapshotPolicy/${policyNs}/${name} takes its kopia identity from the repository's identityDefaults CEL`
            : `SnapshotPolicy/${policyNs}/${name} is not in the input`
        }: which backup's recorded identity it selects is unknown`,
      };
    return {
      namespace: policyNs,
      identity: id,
      offset: asInteger(fromPolicy['offset']) ?? 0,
      ...(asOf(fromPolicy) !== undefined && { asOf: asOf(fromPolicy) }),
    };
  }
  if (isObject(identity)) {
    const username = asString(identity['username']) ?? '';
    const hostname = asString(identity['hostname']) ?? '';
    const sourcePath = asString(identity['sourcePath']);
    const pinned = asString(identity['snapshotID']);
    return {
      namespace: ns,
      identity: { username, hostname, ...(sourcePath !== undefined && { sourcePath }) },
      offset: asInteger(identity['offset']) ?? 0,
      ...(asOf(identity) !== undefined && { asOf: asOf(identity) }),
      ...(pinned !== undefined && { kopiaSnapshotId: pinned }),
    };
  }
  return {
    why: 'spec.source names no snapshotRef, fromPolicy or identity: which backup it restores is unknown',
  };
}

const foreign =
  'it predates kopiur 0.9.0 or another tool wrote it (VolSync writes no kopiur-meta tag)';

/** The recorded identity a Restore's `inheritSecurityContextFrom.snapshot` gives (kopiur.md §6). */
export function recordedSourceOf(
  restore: KubeObject,
  objects: readonly KubeObject[],
  index: SnapshotIndex,
  /** The Repository or ClusterRepository the Restore uses, whose identityDefaults may be CEL. */
  repository: KubeObject | undefined,
): RecordedSource {
  const byRef = path(restore.spec, 'source', 'snapshotRef');
  if (isObject(byRef)) {
    const ns = asString(byRef['namespace']) ?? namespaceOf(restore);
    const name = asString(byRef['name']) ?? '';
    const row = index.get('Snapshot', ns, name);
    if (!row || !isKopiurObject(row))
      return {
        found: 'unknown',
        why: `Snapshot/${ns}/${name} is not in the input: the identity recorded on it is unknown`,
      };
    const recorded = recordedOf(row);
    if (!recorded && path(row.status, 'snapshot') === undefined)
      return {
        found: 'unknown',
        why: `${refOf(row)} has no status in the input: the identity recorded on it is unknown`,
      };
    return recorded
      ? { found: 'recorded', snapshot: refOf(row), recorded }
      : {
          found: 'none',
          why: `${refOf(row)} carries no recorded identity (status.recorded): ${foreign}`,
        };
  }
  const s = selectionOf(restore, index, repository);
  if ('why' in s) return { found: 'unknown', why: s.why };
  const who = `${s.identity.username}@${s.identity.hostname}${s.identity.sourcePath ? `:${s.identity.sourcePath}` : ''}`;
  const rows = objects.filter(
    (o) => o.kind === 'Snapshot' && isKopiurObject(o) && namespaceOf(o) === s.namespace,
  );
  const row = search(rows, s);
  if (row) return { found: 'recorded', snapshot: refOf(row.o), recorded: row.recorded };
  return rows.some((o) => matches(s.identity, rowIdentity(o)))
    ? {
        found: 'none',
        why: `no Snapshot of ${who} in ${s.namespace} that the selection keeps carries a recorded identity (status.recorded): ${foreign}`,
      }
    : {
        found: 'unknown',
        why: `no Snapshot of ${who} in ${s.namespace} is in the input: the identity recorded on its backups is unknown (with none at all, kopiur holds the run: MissingRecordedIdentity)`,
      };
}
