import { InvalidSpecError } from '../errors.js';
import {
  auditLimits,
  auditLogPrefix,
  type AuditClass,
  type AuditSummary,
  type DeniedSubtree,
  type FileType,
  type MtimeSpan,
  type NestedMount,
  type ProbeAttempt,
} from './audit-summary.js';

// The records audit-walk.pl prints, one a line: `vpaudit1 ` + a JSON object whose `t` names it.
//   {"t":"start","version":1,"startedAt":N}                                   first
//   {"t":"root","uid":N,"gid":N,"perm":N}                                     once
//   {"t":"filesystem","type":S,"source":S,"options":S}                        once; all three
//                                                                             null when unknown
//   {"t":"auditor","uid":N,"gid":N,"groups":[N],"capabilities":[S]}           once
//   {"t":"class","type":"f|d|l|o","uid":N,"gid":N,"perm":N,"count":N,"bytes":N,
//    "mtime":{"min":N,"max":N},"spans":[{"from":N,"to":N,"count":N,"bytes":N}],"sample":S}
//   {"t":"folded","classes":N,"count":N,"bytes":N}                            at most once
//   {"t":"denied","path":S,"errno":S,"message":S,"uid":N|null,"gid":N|null,"perm":N|null}
//   {"t":"mount","path":S,"fstype":S|null}
//   {"t":"probe","uid":N,"gid":N,"created":true,"observedUid":N,"observedGid":N}
//   {"t":"probe","uid":N,"gid":N,"created":false,"errno":S}
//   {"t":"end","totals":{"entries":N,"bytes":N},"deniedOmitted":N,"mountsOmitted":N,
//    "finishedAt":N}                                                          last
// A path that is not UTF-8 (`path`, `sample`) comes as `pathHex` / `sampleHex` instead: its bytes
// in hex, shown here with every byte that is not part of a UTF-8 character as \xNN.

/**
 * `kubectl logs --timestamps` puts an RFC 3339 time and a space before each line. dotAll: JSON
 * leaves U+2028 and U+2029 unescaped in a string (a file name may hold them), and without it `.`
 * stops there and the record would be skipped as noise.
 */
const recordLine = new RegExp(
  `^(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2}) )?${auditLogPrefix}(.*)$`,
  's',
);

const maxId = 4294967295;
const fix = 'the line was cut or changed; run audit again';

type Json = Record<string, unknown>;

/** The fields of one record, each read once: what is left over is not part of the format. */
class Fields {
  private readonly unread: Set<string>;

  constructor(
    private readonly o: Json,
    private readonly at: string,
    private readonly what: string,
  ) {
    this.unread = new Set(Object.keys(o));
    this.unread.delete('t');
  }

  fail(problem: string, how = fix): never {
    throw new InvalidSpecError(this.at, `audit record ${this.what}: ${problem}`, how);
  }

  /** The fields of an object inside this record. */
  nested(v: unknown, label: string): Fields {
    if (!isObject(v)) this.fail(`${label} must be an object, got ${show(v)}`);
    return new Fields(v, this.at, `${this.what} ${label}`);
  }

  private take(key: string): unknown {
    this.unread.delete(key);
    return this.o[key];
  }

  has(key: string): boolean {
    return key in this.o;
  }

  int(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    return checkInt(this.take(key), min, max, key, this);
  }

  /** A byte count: any integer from 0, even past 2^53 (sparse files sum up to anything). */
  bytes(key: string): number {
    const v = this.take(key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      this.fail(`${key} must be a whole number of bytes, got ${show(v)}`);
    return v;
  }

  nullableInt(key: string, min: number, max: number): number | null {
    const v = this.take(key);
    return v === null ? null : checkInt(v, min, max, key, this);
  }

  str(key: string): string {
    const v = this.take(key);
    if (typeof v !== 'string') this.fail(`${key} must be a string, got ${show(v)}`);
    return v;
  }

  nullableStr(key: string): string | null {
    const v = this.take(key);
    if (v !== null && typeof v !== 'string')
      this.fail(`${key} must be a string or null, got ${show(v)}`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.take(key);
    if (typeof v !== 'boolean') this.fail(`${key} must be true or false, got ${show(v)}`);
    return v;
  }

  object(key: string): Fields {
    return this.nested(this.take(key), key);
  }

  list(key: string, max: number): unknown[] {
    const v = this.take(key);
    if (!Array.isArray(v)) this.fail(`${key} must be a list, got ${show(v)}`);
    if (v.length > max) this.fail(`${key} holds ${v.length} items, more than ${max}`);
    return v;
  }

  /** `key` as text, or `keyHex` as the bytes of a path that is not UTF-8. */
  path(key: string): string {
    const hexKey = `${key}Hex`;
    if (this.has(key) === this.has(hexKey)) this.fail(`needs one of ${key} and ${hexKey}`);
    if (this.has(key)) return this.str(key);
    const hex = this.str(hexKey);
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex))
      this.fail(`${hexKey} must be hex bytes, got ${show(hex)}`);
    return decodePathHex(hex);
  }

  /** Throws on a field no one read. */
  done(): void {
    const [extra] = this.unread;
    if (extra !== undefined) this.fail(`${extra} is not a field of it`);
  }
}

function checkInt(v: unknown, min: number, max: number, key: string, f: Fields): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    f.fail(`${key} must be an integer from ${min} to ${max}, got ${show(v)}`);
  return v;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * The display form of a path the audit printed as hex bytes (`pathHex`): the UTF-8 characters it
 * holds as themselves, every other byte as `\xNN` (lowercase hex), e.g. `626164ff` → `bad\xff`.
 */
export function decodePathHex(hex: string): string {
  const b = Array.from({ length: hex.length / 2 }, (_, i) =>
    Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
  const at = (i: number) => b[i] ?? -1;
  const cont = (i: number, lo = 0x80, hi = 0xbf) => at(i) >= lo && at(i) <= hi;
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = at(i);
    // the length of a well-formed sequence starting here (RFC 3629 table), 0 if none
    let n = 0;
    if (c < 0x80) n = 1;
    else if (c >= 0xc2 && c <= 0xdf) n = cont(i + 1) ? 2 : 0;
    else if (c === 0xe0) n = cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
    else if (c === 0xed) n = cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
    else if (c >= 0xe1 && c <= 0xef) n = cont(i + 1) && cont(i + 2) ? 3 : 0;
    else if (c === 0xf0) n = cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (c === 0xf4) n = cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (c >= 0xf1 && c <= 0xf3) n = cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (n === 0) {
      out += `\\x${c.toString(16).padStart(2, '0')}`;
      i += 1;
      continue;
    }
    const bits = [0, 0x7f, 0x1f, 0x0f, 0x07][n] ?? 0;
    let cp = c & bits;
    for (let k = 1; k < n; k++) cp = (cp << 6) | (at(i + k) & 0x3f);
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

const fileTypes: readonly FileType[] = ['f', 'd', 'l', 'o'];

function readClass(f: Fields): AuditClass {
  const type = f.str('type');
  if (!(fileTypes as readonly string[]).includes(type))
    f.fail(`type must be one of ${fileTypes.join(', ')}, got ${show(type)}`);
  const mtime = f.object('mtime');
  const spans = f.list('spans', auditLimits.spansPerClass).map((s, i): MtimeSpan => {
    const sf = f.nested(s, `spans[${i}]`);
    const span = {
      from: sf.int('from', Number.MIN_SAFE_INTEGER),
      to: sf.int('to', Number.MIN_SAFE_INTEGER),
      count: sf.int('count'),
      bytes: sf.bytes('bytes'),
    };
    sf.done();
    return span;
  });
  const c: AuditClass = {
    type: type as FileType,
    uid: f.int('uid', 0, maxId),
    gid: f.int('gid', 0, maxId),
    perm: f.int('perm', 0, 0o7777),
    count: f.int('count'),
    bytes: f.bytes('bytes'),
    mtime: {
      min: mtime.int('min', Number.MIN_SAFE_INTEGER),
      max: mtime.int('max', Number.MIN_SAFE_INTEGER),
    },
    spans,
    sample: f.path('sample'),
  };
  mtime.done();
  return c;
}

function readDenied(f: Fields): DeniedSubtree {
  return {
    path: f.path('path'),
    errno: f.str('errno'),
    message: f.str('message'),
    uid: f.nullableInt('uid', 0, maxId),
    gid: f.nullableInt('gid', 0, maxId),
    perm: f.nullableInt('perm', 0, 0o7777),
  };
}

function readProbe(f: Fields): ProbeAttempt {
  const p: ProbeAttempt = {
    uid: f.int('uid', 0, maxId),
    gid: f.int('gid', 0, maxId),
    created: f.bool('created'),
  };
  if (p.created) {
    p.observedUid = f.int('observedUid', 0, maxId);
    p.observedGid = f.int('observedGid', 0, maxId);
  } else {
    p.errno = f.str('errno');
  }
  return p;
}

const once = ['start', 'root', 'filesystem', 'auditor', 'folded', 'end'];
const oneRun = 'pass the log of one audit run';

/**
 * The summary an audit Job printed: the `vpaudit1 ` records of its log, wherever they are among
 * the other lines (`kubectl logs` merges stdout and stderr; `--timestamps` prefixes are accepted).
 * Throws InvalidSpecError naming `source` and the line for a malformed or misplaced record, and
 * `source` alone when there is no record or the log ends before the `end` record.
 */
export function parseAuditLog(text: string, source: string): AuditSummary {
  const seen = new Map<string, number>();
  let startedAt: number | undefined;
  let root: AuditSummary['root'] | undefined;
  let filesystem: AuditSummary['filesystem'] | undefined;
  let auditor: AuditSummary['auditor'] | undefined;
  let folded: AuditSummary['folded'] = null;
  let summary: AuditSummary | undefined;
  const classes: AuditClass[] = [];
  const denied: DeniedSubtree[] = [];
  const mounts: NestedMount[] = [];
  const probe: ProbeAttempt[] = [];
  const full = (list: unknown[], max: number, f: Fields): void => {
    if (list.length >= max) f.fail(`more than ${max} such records`);
  };

  for (const [index, raw] of text.split('\n').entries()) {
    const m = recordLine.exec(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (!m) continue;
    const line = index + 1;
    const at = `${source}:${line}`;
    let value: unknown;
    try {
      value = JSON.parse(m[1] ?? '');
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new InvalidSpecError(at, `audit record is not JSON (${why})`, fix);
    }
    if (!isObject(value) || typeof value['t'] !== 'string')
      throw new InvalidSpecError(at, 'audit record is not an object with a type "t"', fix);
    const t = value['t'];
    const f: Fields = new Fields(value, at, `"${t}"`); // typed: f.fail narrows (never)
    if (summary) f.fail('comes after the end record', oneRun);
    if (t !== 'start' && startedAt === undefined)
      f.fail(
        'comes before the start record: the beginning of the log is missing',
        'read the whole log (kubectl logs without --tail or --since)',
      );
    const first = seen.get(t);
    if (first !== undefined && once.includes(t))
      f.fail(`appears twice (first on line ${first})`, oneRun);
    seen.set(t, line);
    switch (t) {
      case 'start': {
        const version = f.int('version');
        if (version !== 1)
          f.fail(
            `version ${version} is not known to this kubectl-volsync-perms`,
            'update kubectl-volsync-perms to the release that ran the audit',
          );
        startedAt = f.int('startedAt', Number.MIN_SAFE_INTEGER);
        break;
      }
      case 'root':
        root = {
          uid: f.int('uid', 0, maxId),
          gid: f.int('gid', 0, maxId),
          perm: f.int('perm', 0, 0o7777),
        };
        break;
      case 'filesystem': {
        const type = f.nullableStr('type');
        const src = f.nullableStr('source');
        const options = f.nullableStr('options');
        if (type !== null && src !== null && options !== null)
          filesystem = { type, source: src, options };
        else if (type === null && src === null && options === null) filesystem = null;
        else f.fail('type, source and options must be all strings or all null');
        break;
      }
      case 'auditor':
        auditor = {
          uid: f.int('uid', 0, maxId),
          gid: f.int('gid', 0, maxId),
          groups: f.list('groups', 65536).map((g, i) => checkInt(g, 0, maxId, `groups[${i}]`, f)),
          capabilities: f.list('capabilities', 64).map((c, i) => {
            if (typeof c !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(c))
              f.fail(`capabilities[${i}] must be a capability name, got ${show(c)}`);
            return c;
          }),
        };
        break;
      case 'class':
        full(classes, auditLimits.classes, f);
        classes.push(readClass(f));
        break;
      case 'folded':
        folded = { classes: f.int('classes', 1), count: f.int('count'), bytes: f.bytes('bytes') };
        break;
      case 'denied':
        full(denied, auditLimits.denied, f);
        denied.push(readDenied(f));
        break;
      case 'mount':
        full(mounts, auditLimits.mounts, f);
        mounts.push({ path: f.path('path'), fstype: f.nullableStr('fstype') });
        break;
      case 'probe':
        full(probe, 2, f); // as UID 0, then as the owner of the root
        probe.push(readProbe(f));
        break;
      case 'end': {
        if (root === undefined) f.fail('comes before any "root" record');
        if (filesystem === undefined) f.fail('comes before any "filesystem" record');
        if (auditor === undefined) f.fail('comes before any "auditor" record');
        const totals = f.object('totals');
        summary = {
          version: 1,
          root,
          filesystem,
          auditor,
          classes,
          folded,
          denied,
          deniedOmitted: f.int('deniedOmitted'),
          mounts,
          mountsOmitted: f.int('mountsOmitted'),
          totals: { entries: totals.int('entries'), bytes: totals.bytes('bytes') },
          startedAt: startedAt ?? 0,
          finishedAt: f.int('finishedAt', Number.MIN_SAFE_INTEGER),
          ...(probe.length > 0 && { probe }),
        };
        totals.done();
        break;
      }
      default:
        f.fail('is not a record type of audit log version 1');
    }
    f.done();
  }
  if (summary) return summary;
  if (startedAt === undefined)
    throw new InvalidSpecError(
      source,
      `holds no audit record (no line starts with "${auditLogPrefix}")`,
      'pass the log of a kubectl volsync-perms audit Job',
    );
  throw new InvalidSpecError(
    source,
    'the log ends before the audit finished: the Job was cut short or the log truncated',
    'run audit again',
  );
}
