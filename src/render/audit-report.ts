import type { AuditReport } from '../core/report/audit-report.js';
import type { Attribution } from '../core/storage/attribution.js';
import type { AuditClass } from '../core/storage/audit-summary.js';
import type { ClassTotal, SubjectForecast } from '../core/storage/forecast.js';
import type { Paint } from './color.js';
import { renderTable } from './table.js';
import { bytes, count, mode, period } from './units.js';

const typeName: Record<AuditClass['type'], string> = {
  f: 'file',
  d: 'dir',
  l: 'symlink',
  o: 'other',
};

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** `3,214 files (0:1000 0600, 41 MiB)`, directories apart: what a subject meets, by class. */
function blocked(t: ClassTotal): string {
  const files = t.classes.filter((c) => c.type === 'f');
  const dirs = t.classes.filter((c) => c.type === 'd');
  const part = (list: AuditClass[], one: string, many: string) => {
    if (list.length === 0) return '';
    const n = list.reduce((a, c) => a + c.count, 0);
    const size = list.reduce((a, c) => a + c.bytes, 0);
    const owners = list.map((c) => `${c.uid}:${c.gid} ${mode(c.perm)}`).join(', ');
    return `${plural(n, one, many)} (${owners}${one === 'file' ? `, ${bytes(size)}` : ''})`;
  };
  return [part(files, 'file', 'files'), part(dirs, 'directory', 'directories')]
    .filter(Boolean)
    .join(' and ');
}

/** `ReplicationSource default/a, b, storage/c`: refs grouped by kind, then namespace. */
export function refList(refs: readonly string[]): string {
  const byKind = new Map<string, Map<string, string[]>>();
  for (const r of refs) {
    const [kind = '', ns = '', name = ''] = r.split('/');
    const k = byKind.get(kind) ?? new Map<string, string[]>();
    k.set(ns, [...(k.get(ns) ?? []), name]);
    byKind.set(kind, k);
  }
  return [...byKind]
    .map(
      ([kind, nss]) =>
        `${kind} ${[...nss].map(([ns, names]) => `${ns}/${names.join(', ')}`).join(', ')}`,
    )
    .join('; ');
}

function identityOnStorage(f: SubjectForecast): string {
  const s = f.subject;
  const on = [
    ...new Set(
      s.actors.map(
        (a) =>
          `${a.actor.uid}:${a.actor.gid}${a.actor.root === true ? ', root on the server' : ''}${a.assumes ? ` if ${a.assumes}` : ''}`,
      ),
    ),
  ];
  if (on.length === 1 && on[0]?.startsWith(`${s.identity},`)) return on[0];
  return on.length === 0 || on.join() === s.identity
    ? s.identity
    : `${s.identity}, there ${on.join('; ')}`;
}

/** What a subject can do with the files, in words: `reads and writes every file`, or what it cannot. */
export function forecastVerdict(f: SubjectForecast): string {
  if (f.subject.actors.length === 0) return 'its identity there is not known';
  const same =
    f.cannotRead.count > 0 &&
    f.cannotRead.classes.length === f.cannotWrite.classes.length &&
    f.cannotRead.classes.every((c, i) => c === f.cannotWrite.classes[i]);
  const parts = same
    ? [`cannot read or write ${blocked(f.cannotRead)}`]
    : [
        f.cannotRead.count > 0 ? `cannot read ${blocked(f.cannotRead)}` : '',
        f.cannotWrite.count > 0 ? `cannot write ${blocked(f.cannotWrite)}` : '',
      ];
  if (f.unknown.count > 0)
    parts.push(
      `may not reach ${blocked(f.unknown)} (depends on ${f.unknown.dependsOn.join(' and ')})`,
    );
  const shown = parts.filter(Boolean);
  return shown.length > 0 ? shown.join('; ') : 'reads and writes every file';
}

/** One line per verdict: subjects that can do the same with the files are listed together. */
function forecastLines(forecast: readonly SubjectForecast[]): string[] {
  const groups = new Map<string, string[]>();
  for (const f of forecast) {
    const key = `(${identityOnStorage(f)}): ${forecastVerdict(f)}`;
    groups.set(key, [...(groups.get(key) ?? []), f.subject.ref]);
  }
  return [...groups].map(([key, refs]) => `${refList(refs)} ${key}`);
}

function attributionLine(a: Attribution): string {
  const c = a.cluster;
  const when = c.spans.map((s) => period(s.from, s.to)).join(', ');
  const head = `${c.uid}:${c.gid}: ${plural(c.count, 'entry', 'files and directories')} modified ${when}`;
  const also =
    a.alsoRunning.length > 0
      ? `; also running then, as other identities: ${refList(a.alsoRunning)}`
      : '';
  if (a.writers.length === 0)
    return `${head}: no run on record of a subject that writes as ${c.uid}:${c.gid} covers them (VolSync keeps only each mover's last run)${also}`;
  const runs = a.writers.flatMap((w) => w.runs);
  const from = Math.min(...runs.map((r) => r.from));
  const to = runs.some((r) => r.to === null) ? null : Math.max(...runs.map((r) => r.to ?? 0));
  const conds = [...new Set(a.writers.map((w) => w.matches).filter((m) => m !== 'yes'))];
  const priv = a.writers.map((w) => w.privileged);
  const privileged = priv.every((p) => p === true)
    ? a.writers.length > 1
      ? 'each privileged now'
      : 'privileged now'
    : `privileged now: ${
        a.writers
          .filter((w) => w.privileged === true)
          .map((w) => w.ref.split('/')[2] ?? '')
          .join(', ') || 'none'
      }`;
  return `${head}: written by ${refList(a.writers.map((w) => w.ref))} (runs ${period(from, to)}${conds.length > 0 ? `, ${conds.join(', ')}` : ''}; ${privileged})${also}`;
}

/** The audit as a person reads it: the volume, its files by owner, who can reach them next, who wrote what. */
export function renderAuditReport(r: AuditReport, paint: Paint): string {
  const s = r.summary;
  const fs = s.filesystem;
  const walked = `${count(s.totals.entries)} entries, ${bytes(s.totals.bytes)}, as ${s.auditor.uid}:${s.auditor.gid} with ${s.auditor.capabilities.join(',') || 'no capabilities'}, ${period(s.startedAt, s.finishedAt)}`;
  const rows: [string, string][] = [
    ['storage', `${r.target.storage}${fs ? ` (${fs.type} ${fs.source})` : ''}`],
    ...(r.squash
      ? [
          [
            'squash',
            `${r.squash.mode ?? '<unknown>'}${r.squash.anon ? ` (anonymous ${r.squash.anon})` : ''}: ${r.squash.from}`,
          ] as [string, string],
        ]
      : []),
    ['root', `${s.root.uid}:${s.root.gid} ${mode(s.root.perm)}`],
    ['walked', walked],
    [
      'expected',
      r.expected ? `${r.expected.uid}:${r.expected.gid} (${r.expected.from})` : '<unknown>',
    ],
    ['from', r.source],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  let out = `${paint.bold(`Audit of the ${r.target.purpose}`)}\n`;
  out += rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)}${v}\n`).join('');
  const unexpected = (c: AuditClass) =>
    r.expected !== null && (c.uid !== r.expected.uid || c.gid !== r.expected.gid);
  out += `\n${paint.bold('FILES')}\n`;
  out += renderTable(
    ['OWNER', 'TYPE', 'MODE', 'COUNT', 'SIZE', 'MODIFIED', ''],
    s.classes.map((c) => [
      `${c.uid}:${c.gid}`,
      typeName[c.type],
      mode(c.perm),
      count(c.count),
      c.type === 'd' ? '-' : bytes(c.bytes),
      period(c.mtime.min, c.mtime.max),
      unexpected(c) ? '*' : '',
    ]),
  );
  if (s.folded)
    out += `  and ${plural(s.folded.classes, 'more class', 'more classes')}: ${count(s.folded.count)} entries, ${bytes(s.folded.bytes)}\n`;
  if (r.expected && s.classes.some(unexpected))
    out += `  * not owned by ${r.expected.uid}:${r.expected.gid}\n`;
  out += `\n${paint.bold('WHO CAN READ AND WRITE THEM NEXT')}\n`;
  out +=
    r.forecast.length === 0
      ? '  no mover, KopiaMaintenance or workload of the input mounts this storage\n'
      : forecastLines(r.forecast)
          .map((l) => `- ${l}\n`)
          .join('');
  if (r.attribution.length > 0) {
    out += `\n${paint.bold('WHO WROTE WHAT')}\n`;
    out += r.attribution.map((a) => `- ${attributionLine(a)}\n`).join('');
  }
  if (s.denied.length > 0 || s.mounts.length > 0) {
    out += `\n${paint.bold('NOT WALKED')}\n`;
    for (const d of s.denied)
      out += `- ${d.path}: ${d.errno} ${d.message} (${d.uid ?? '?'}:${d.gid ?? '?'} ${d.perm === null ? '?' : mode(d.perm)})\n`;
    if (s.deniedOmitted > 0)
      out += `- and ${plural(s.deniedOmitted, 'more directory', 'more directories')}\n`;
    for (const m of s.mounts)
      out += `- ${m.path}: another filesystem (${m.fstype ?? 'type unknown'}), not entered\n`;
    if (s.mountsOmitted > 0)
      out += `- and ${plural(s.mountsOmitted, 'more mount', 'more mounts')}\n`;
  }
  if (r.unknowns.length > 0) {
    out += `\n${paint.bold('UNKNOWN')}\n`;
    out += r.unknowns.map((u) => `- ${u.what}: ${u.reason}; depends on ${u.dependsOn}\n`).join('');
  }
  return out;
}

/** The machine-readable audit (`kind: AuditReport`): the summary, the forecast by subject, the attribution. */
export function auditContract(r: AuditReport) {
  const total = (t: ClassTotal) => ({
    count: t.count,
    bytes: t.bytes,
    classes: t.classes.map((c) => ({
      type: c.type,
      uid: c.uid,
      gid: c.gid,
      perm: mode(c.perm),
      count: c.count,
      bytes: c.bytes,
    })),
  });
  return {
    apiVersion: r.apiVersion,
    kind: r.kind,
    target: r.target,
    source: r.source,
    expected: r.expected,
    ...(r.squash && { squash: r.squash }),
    summary: r.summary,
    forecast: r.forecast.map((f) => ({
      subject: f.subject.ref,
      role: f.subject.role,
      identity: f.subject.identity,
      onStorage: f.subject.actors.map((a) => ({
        assumes: a.assumes,
        uid: a.actor.uid,
        gid: a.actor.gid,
        groups: a.actor.groups,
        root: a.actor.root === true,
      })),
      cannotRead: total(f.cannotRead),
      cannotWrite: total(f.cannotWrite),
      unknown: { ...total(f.unknown), dependsOn: f.unknown.dependsOn },
    })),
    attribution: r.attribution.map((a) => ({
      owner: `${a.cluster.uid}:${a.cluster.gid}`,
      count: a.cluster.count,
      bytes: a.cluster.bytes,
      spans: a.cluster.spans,
      writers: a.writers,
      alsoRunning: a.alsoRunning,
    })),
    unknowns: r.unknowns,
  };
}
