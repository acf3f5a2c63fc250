import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { auditLimits, type AuditClass, type AuditSummary } from './audit-summary.js';
import { decodePathHex, parseAuditLog } from './parse-audit-log.js';

/** Builders: the smallest valid summary, and a class, each with overrides. */
const klass = (over: Partial<AuditClass> = {}): AuditClass => ({
  type: 'f',
  uid: 1000,
  gid: 1000,
  perm: 0o600,
  count: 2,
  bytes: 10,
  mtime: { min: 100, max: 160 },
  spans: [{ from: 100, to: 160, count: 2, bytes: 10 }],
  sample: 'a/b',
  ...over,
});
const summary = (over: Partial<AuditSummary> = {}): AuditSummary => ({
  version: 1,
  root: { uid: 1000, gid: 1000, perm: 0o700 },
  filesystem: { type: 'nfs4', source: 'nas:/export', options: 'rw,vers=4.2' },
  auditor: { uid: 0, gid: 0, groups: [], capabilities: ['DAC_OVERRIDE'] },
  classes: [klass()],
  folded: null,
  denied: [],
  deniedOmitted: 0,
  mounts: [],
  mountsOmitted: 0,
  totals: { entries: 2, bytes: 10 },
  startedAt: 1000,
  finishedAt: 1005,
  ...over,
});

/**
 * The log audit-walk.pl would print for a summary (the format of parse-audit-log.ts), test-only.
 * `hex` picks the paths to print as bytes (`pathHex`), as the script does for non-UTF-8 names.
 */
function renderAuditLog(s: AuditSummary, hex: (path: string) => boolean = () => false): string[] {
  const path = (key: string, p: string) =>
    hex(p) && p !== '' ? { [`${key}Hex`]: Buffer.from(p, 'utf8').toString('hex') } : { [key]: p };
  const rec = (t: string, o: object) => `vpaudit1 ${JSON.stringify({ t, ...o })}`;
  return [
    rec('start', { version: 1, startedAt: s.startedAt }),
    rec('root', s.root),
    rec('filesystem', s.filesystem ?? { type: null, source: null, options: null }),
    rec('auditor', s.auditor),
    ...s.classes.map(({ sample, ...c }) => rec('class', { ...c, ...path('sample', sample) })),
    ...(s.folded ? [rec('folded', s.folded)] : []),
    ...s.denied.map(({ path: p, ...d }) => rec('denied', { ...path('path', p), ...d })),
    ...s.mounts.map(({ path: p, ...m }) => rec('mount', { ...path('path', p), ...m })),
    ...(s.probe ?? []).map((p) => rec('probe', p)),
    rec('end', {
      totals: s.totals,
      deniedOmitted: s.deniedOmitted,
      mountsOmitted: s.mountsOmitted,
      finishedAt: s.finishedAt,
    }),
  ];
}
const log = (lines: string[]) => lines.join('\n') + '\n';

/** The error parseAuditLog throws for a log. */
function failure(text: string): InvalidSpecError {
  try {
    parseAuditLog(text, 'job/audit-data');
  } catch (e) {
    if (e instanceof InvalidSpecError) return e;
    throw e;
  }
  throw new Error('parseAuditLog accepted the log');
}
const message = (e: InvalidSpecError) => `${e.where}: ${e.problem}; ${e.fix}`;

describe('parseAuditLog', () => {
  it('reads a record whose path holds U+2028 or U+2029, which JSON leaves unescaped', () => {
    const s = summary({
      denied: [
        {
          path: 'a\u2028b',
          errno: 'EACCES',
          message: 'x\u2029y',
          uid: null,
          gid: null,
          perm: null,
        },
      ],
      mounts: [{ path: '\u2028', fstype: null }],
    });
    expect(parseAuditLog(log(renderAuditLog(s)), 'job/a')).toEqual(s);
  });

  it('reads a whole log back into the summary it was printed from', () => {
    const s = summary({
      classes: [klass(), klass({ type: 'd', perm: 0o700, sample: '.' })],
      folded: { classes: 3, count: 7, bytes: 70 },
      denied: [
        {
          path: 'x',
          errno: 'EACCES',
          message: 'Permission denied',
          uid: 4242,
          gid: 4242,
          perm: 0o700,
        },
        {
          path: 'y',
          errno: 'search',
          message: 'Permission denied',
          uid: null,
          gid: null,
          perm: null,
        },
      ],
      mounts: [{ path: 'nested', fstype: 'tmpfs' }],
      probe: [
        { uid: 0, gid: 0, created: true, observedUid: 65534, observedGid: 65534 },
        { uid: 1000, gid: 1000, created: false, errno: 'EACCES' },
      ],
    });
    expect(parseAuditLog(log(renderAuditLog(s)), 'job/audit-data')).toEqual(s);
  });

  it.each([
    ['kubectl logs --timestamps (UTC, nanoseconds)', '2026-03-01T00:00:25.123456789Z '],
    ['an RFC 3339 offset, whole seconds', '2026-03-01T01:00:25+01:00 '],
    ['no prefix', ''],
  ])('accepts records with %s before them', (_label, prefix) => {
    const lines = renderAuditLog(summary()).map((l) => prefix + l);
    expect(parseAuditLog(log(lines), 'job/a')).toEqual(summary());
  });

  it('skips the progress lines, anything a runtime adds, CRLF line ends and a missing last newline', () => {
    const [first = '', ...rest] = renderAuditLog(summary());
    const text = ['Defaulted container "audit"', first, 'progress: entries=100000', ...rest]
      .map((l) => `${l}\r`)
      .join('\n');
    expect(parseAuditLog(text, 'job/a')).toEqual(summary());
  });

  it('leaves probe out when the audit did not probe, and keeps a filesystem it could not find as null', () => {
    const s = parseAuditLog(log(renderAuditLog(summary({ filesystem: null }))), 'job/a');
    expect(s).not.toHaveProperty('probe');
    expect(s.filesystem).toBeNull();
  });

  it.each([
    ['626164ff', 'bad\\xff'],
    ['e282ac', '€'],
    ['f09f9982', '🙂'],
    ['c0af', '\\xc0\\xaf'], // overlong '/'
    ['eda080', '\\xed\\xa0\\x80'], // a surrogate
    ['e282', '\\xe2\\x82'], // cut short
    ['f4908080', '\\xf4\\x90\\x80\\x80'], // past U+10FFFF
    ['2d2d68656c700a', '--help\n'],
  ])('shows the path bytes %s as %j', (hex, shown) => {
    expect(decodePathHex(hex)).toBe(shown);
    const text = log(renderAuditLog(summary())).replace('"sample":"a/b"', `"sampleHex":"${hex}"`);
    expect(parseAuditLog(text, 'job/a').classes[0]?.sample).toBe(shown);
  });

  const valid = renderAuditLog(
    summary({ probe: [{ uid: 0, gid: 0, created: true, observedUid: 0, observedGid: 0 }] }),
  );
  const edit = (t: string, change: (o: Record<string, unknown>) => void) =>
    valid.map((l) => {
      const o = JSON.parse(l.slice('vpaudit1 '.length)) as Record<string, unknown>;
      if (o['t'] !== t) return l;
      change(o);
      return `vpaudit1 ${JSON.stringify(o)}`;
    });
  const at = (t: string) => valid.findIndex((l) => l.includes(`"t":"${t}"`)) + 1;

  it.each<[string, string[], RegExp, string]>([
    [
      'a line that is not JSON',
      [...valid.slice(0, 4), 'vpaudit1 {"t":"class",'],
      /not JSON/,
      'line 5',
    ],
    [
      'a uid that is not a number',
      edit('root', (o) => (o['uid'] = '1000')),
      /root": uid must be an integer from 0 to 4294967295, got "1000"/,
      `line ${at('root')}`,
    ],
    [
      'a negative count',
      edit('class', (o) => (o['count'] = -1)),
      /count must be an integer from 0/,
      `line ${at('class')}`,
    ],
    [
      'a fractional perm',
      edit('class', (o) => (o['perm'] = 1.5)),
      /perm must be an integer from 0 to 4095/,
      `line ${at('class')}`,
    ],
    [
      'an unknown file type',
      edit('class', (o) => (o['type'] = 'x')),
      /type must be one of f, d, l, o/,
      `line ${at('class')}`,
    ],
    [
      'a field the format does not have',
      edit('root', (o) => (o['extra'] = 1)),
      /extra is not a field of it/,
      `line ${at('root')}`,
    ],
    [
      'a span without bytes',
      edit('class', (o) => (o['spans'] = [{ from: 1, to: 2, count: 1 }])),
      /spans\[0\]: bytes must be a whole number/,
      `line ${at('class')}`,
    ],
    [
      'both sample and sampleHex',
      edit('class', (o) => (o['sampleHex'] = '61')),
      /needs one of sample and sampleHex/,
      `line ${at('class')}`,
    ],
    [
      'sampleHex that is not hex',
      edit('class', (o) => {
        delete o['sample'];
        o['sampleHex'] = 'zz';
      }),
      /sampleHex must be hex bytes/,
      `line ${at('class')}`,
    ],
    [
      'a filesystem half null',
      edit('filesystem', (o) => (o['source'] = null)),
      /all strings or all null/,
      `line ${at('filesystem')}`,
    ],
    [
      'a probe that was created without an owner',
      edit('probe', (o) => delete o['observedUid']),
      /observedUid must be an integer/,
      `line ${at('probe')}`,
    ],
    [
      'a capability that is not a name',
      edit('auditor', (o) => (o['capabilities'] = ['cap_chown'])),
      /capabilities\[0\] must be a capability name/,
      `line ${at('auditor')}`,
    ],
    [
      'an unknown record type',
      [...valid.slice(0, 4), 'vpaudit1 {"t":"later"}', ...valid.slice(4)],
      /is not a record type of audit log version 1/,
      'line 5',
    ],
    [
      'a record without a type',
      [...valid.slice(0, 4), 'vpaudit1 [1]', ...valid.slice(4)],
      /not an object with a type/,
      'line 5',
    ],
    [
      'version 2',
      edit('start', (o) => (o['version'] = 2)),
      /version 2 is not known.*; update kubectl-volsync-perms/,
      'line 1',
    ],
    [
      'a root record twice',
      [...valid.slice(0, 2), ...valid.slice(1)],
      /"root": appears twice \(first on line 2\)/,
      'line 3',
    ],
    [
      'a record after the end',
      [...valid, valid[1] ?? ''],
      /comes after the end record; pass the log of one audit run/,
      `line ${valid.length + 1}`,
    ],
    [
      'a log without its beginning',
      valid.slice(1),
      /before the start record: the beginning of the log is missing; read the whole log/,
      'line 1',
    ],
    [
      'an end before the auditor',
      [...valid.slice(0, 3), ...valid.slice(-1)],
      /"end": comes before any "auditor" record/,
      'line 4',
    ],
    [
      'more than 256 classes',
      [
        ...valid.slice(0, 4),
        ...Array<string>(auditLimits.classes + 1).fill(valid[4] ?? ''),
        ...valid.slice(5),
      ],
      /more than 256 such records/,
      `line ${5 + auditLimits.classes}`,
    ],
    [
      'more than 16 spans in a class',
      edit(
        'class',
        (o) =>
          (o['spans'] = Array.from({ length: 17 }, () => ({ from: 1, to: 1, count: 0, bytes: 0 }))),
      ),
      /spans holds 17 items, more than 16/,
      `line ${at('class')}`,
    ],
  ])('refuses %s, naming the source and the line', (_label, lines, problem, line) => {
    const e = failure(log(lines));
    expect(message(e)).toMatch(problem);
    expect(e.where).toBe(`job/audit-data:${line.slice('line '.length)}`);
  });

  it('says the Job was cut short when the log ends before the end record', () => {
    expect(message(failure(log(valid.slice(0, -1))))).toBe(
      'job/audit-data: the log ends before the audit finished: the Job was cut short or the log truncated; run audit again',
    );
  });

  it.each([
    ['an empty log', ''],
    [
      'a log of something else',
      'error: audit: /volume: No such file or directory; is the volume mounted there?\n',
    ],
  ])('says there is no audit record in %s', (_label, text) => {
    expect(message(failure(text))).toMatch(
      /^job\/audit-data: holds no audit record \(no line starts with "vpaudit1 "\); pass the log of a kubectl volsync-perms audit Job$/,
    );
  });
});

const id = fc.integer({ min: 0, max: 4294967295 });
const time = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
const count = fc.nat();
const bytes = fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const text = fc.string({ unit: 'binary', maxLength: 40 });
const classArb: fc.Arbitrary<AuditClass> = fc.record({
  type: fc.constantFrom('f', 'd', 'l', 'o'),
  uid: id,
  gid: id,
  perm: fc.integer({ min: 0, max: 0o7777 }),
  count,
  bytes,
  mtime: fc.record({ min: time, max: time }),
  spans: fc.array(fc.record({ from: time, to: time, count, bytes }), {
    minLength: 1,
    maxLength: auditLimits.spansPerClass,
  }),
  sample: text,
});
const summaryArb: fc.Arbitrary<AuditSummary> = fc.record(
  {
    version: fc.constant(1 as const),
    root: fc.record({ uid: id, gid: id, perm: fc.integer({ min: 0, max: 0o7777 }) }),
    filesystem: fc.option(fc.record({ type: text, source: text, options: text }), { nil: null }),
    auditor: fc.record({
      uid: id,
      gid: id,
      groups: fc.array(id, { maxLength: 5 }),
      capabilities: fc.array(fc.constantFrom('CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'CAP_63')),
    }),
    classes: fc.array(classArb, { maxLength: 8 }),
    folded: fc.option(fc.record({ classes: fc.integer({ min: 1, max: 1000 }), count, bytes }), {
      nil: null,
    }),
    denied: fc.array(
      fc.record({
        path: text,
        errno: fc.constantFrom('EACCES', 'search', 'EIO'),
        message: text,
        uid: fc.option(id, { nil: null }),
        gid: fc.option(id, { nil: null }),
        perm: fc.option(fc.integer({ min: 0, max: 0o7777 }), { nil: null }),
      }),
      { maxLength: 3 },
    ),
    deniedOmitted: count,
    mounts: fc.array(fc.record({ path: text, fstype: fc.option(text, { nil: null }) }), {
      maxLength: 3,
    }),
    mountsOmitted: count,
    totals: fc.record({ entries: count, bytes }),
    startedAt: time,
    finishedAt: time,
    probe: fc.array(
      fc.oneof(
        fc.record({
          uid: id,
          gid: id,
          created: fc.constant(true),
          observedUid: id,
          observedGid: id,
        }),
        fc.record({ uid: id, gid: id, created: fc.constant(false), errno: text }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  },
  {
    requiredKeys: [
      'version',
      'root',
      'filesystem',
      'auditor',
      'classes',
      'folded',
      'denied',
      'deniedOmitted',
      'mounts',
      'mountsOmitted',
      'totals',
      'startedAt',
      'finishedAt',
    ],
  },
);

describe('parseAuditLog, properties', () => {
  it('reads back any summary, however its paths are printed and whatever lines surround them', () => {
    fc.assert(
      fc.property(
        summaryArb,
        fc.func(fc.boolean()),
        fc.array(fc.constantFrom('', 'progress: entries=100000', 'vpaudit1', 'x vpaudit1 {}')),
        fc.boolean(),
        (s, hex, noise, stamped) => {
          const stamp = stamped ? '2026-03-01T00:00:25.5Z ' : '';
          const lines = renderAuditLog(s, hex).flatMap((l, i) => [
            ...(noise[i] !== undefined ? [noise[i]] : []),
            stamp + l,
          ]);
          expect(parseAuditLog(log(lines), 'job/a')).toEqual(s);
        },
      ),
    );
  });

  it('shows any UTF-8 text given as hex bytes as that text', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(decodePathHex(Buffer.from(s, 'utf8').toString('hex'))).toBe(s);
      }),
    );
  });

  it('shows any bytes as a string from which the bytes can be read back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), (b) => {
        const shown = decodePathHex(Buffer.from(b).toString('hex'));
        // each \xNN stands for one byte, everything else for its UTF-8 bytes
        const back = shown
          .split(/(\\x[0-9a-f]{2})/)
          .flatMap((part) =>
            /^\\x[0-9a-f]{2}$/.test(part)
              ? [Number.parseInt(part.slice(2), 16)]
              : [...Buffer.from(part, 'utf8')],
          );
        // a literal backslash-x in valid UTF-8 reads back as a byte too: skip those inputs
        fc.pre(!Buffer.from(b).toString('latin1').includes('\\x'));
        expect(back).toEqual([...b]);
      }),
    );
  });
});
