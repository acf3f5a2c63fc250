import type { ContainerReport, Subject } from '../core/report/types.js';

export const unknownCell = '<unknown>';

const shortKinds: Record<string, string> = {
  ReplicationSource: 'rs',
  ReplicationDestination: 'rd',
  KopiaMaintenance: 'kopiamaintenance',
};

export const subjectName = (s: Pick<Subject, 'kind' | 'name'>) =>
  `${shortKinds[s.kind] ?? s.kind.toLowerCase()}/${s.name}`;

export const idCell = (n: number | null) => (n === null ? '?' : String(n));

export function uidGidCell(c: ContainerReport | undefined): string {
  if (!c) return '-';
  const { uid, gid } = c.identity;
  if (uid === null && gid === null) return unknownCell;
  return `${idCell(uid)}:${idCell(gid)}`;
}

export function groupsCell(c: ContainerReport | undefined): string {
  if (!c) return '-';
  const g = c.identity.supplementalGroups;
  if (g === null) return unknownCell;
  if (g.length === 0 && c.groupsIncomplete) return '?';
  const list = g.length ? g.join(',') : '-';
  return c.groupsIncomplete ? `${list}+?` : list;
}

export function capsCell(c: ContainerReport | undefined): string {
  return c ? capabilitiesCell(c.identity.capabilities) : '-';
}

export function capabilitiesCell(caps: string[] | null): string {
  if (caps === null) return unknownCell;
  return caps.length ? caps.join(',') : '-';
}

export const boolCell = (b: boolean | null) => (b === null ? unknownCell : b ? 'yes' : 'no');

/** A trace step's value: `-` for none, lists joined, everything else as JSON (strings quoted). */
export const traceValueCell = (v: unknown): string =>
  v === null || v === undefined
    ? '-'
    : Array.isArray(v)
      ? v.length
        ? v.join(',')
        : '[]'
      : JSON.stringify(v);
