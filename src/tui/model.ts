import {
  severityRank,
  worstFinding,
  worstOf,
  type Finding,
  type Subject,
} from '../core/report/types.js';
import { boolCell, capsCell, groupsCell, subjectName, uidGidCell } from '../render/cells.js';
import type { TuiData } from './data.js';
import type { ListState } from './state.js';
import { textOrder } from '../core/text-order.js';

export interface NamespaceRow {
  key: string;
  name: string;
  movers: number;
  annotation: string;
  podSecurity: string;
  worst?: Finding;
}

export interface MoverRow {
  /** `Kind/name`. */
  key: string;
  kind: string;
  name: string;
  mover: string;
  privileged: string;
  uidGid: string;
  groups: string;
  capabilities: string;
  worst?: Finding;
  /** The identity differs when the namespace annotation is flipped. */
  flips: boolean;
}

const isMover = (s: Subject) => s.mover !== null;
export const findingCell = (f: Finding | undefined) => (f ? `${f.code} ${f.severity}` : '-');

/** Every namespace with movers: how many, its annotation, its Pod Security level, the worst finding. */
export function namespaceRows(data: TuiData): NamespaceRow[] {
  const by = new Map<string, Subject[]>();
  for (const s of data.report.subjects.filter(isMover))
    by.set(s.namespace, [...(by.get(s.namespace) ?? []), s]);
  return [...by].map(([name, subjects]) => {
    const ns = data.namespace(name);
    const worst = worstOf(subjects.flatMap((s) => s.findings));
    return {
      key: name,
      name,
      movers: subjects.length,
      annotation: ns.privileged === null ? '?' : ns.privileged ? 'true' : '-',
      podSecurity: ns.podSecurity,
      ...(worst && { worst }),
    };
  });
}

const identity = (s: Subject | undefined) =>
  JSON.stringify(s?.containers.map((c) => c.identity) ?? null);

/** The movers of a namespace, each marked when flipping the namespace annotation changes it. */
export function moverRows(data: TuiData, namespace: string): MoverRow[] {
  const flipped = new Map(
    data.flipped(namespace).subjects.map((s) => [`${s.kind}/${s.name}`, s] as const),
  );
  return data.report.subjects
    .filter((s) => isMover(s) && s.namespace === namespace)
    .map((s) => {
      const c = s.containers[0];
      const worst = worstFinding(s);
      return {
        key: `${s.kind}/${s.name}`,
        kind: s.kind,
        name: subjectName(s),
        mover: s.mover ?? '-',
        privileged: boolCell(s.privileged),
        uidGid: uidGidCell(c),
        groups: groupsCell(c),
        capabilities: capsCell(c),
        ...(worst && { worst }),
        flips: identity(s) !== identity(flipped.get(`${s.kind}/${s.name}`)),
      };
    });
}

const rank = (f: Finding | undefined) => (f ? severityRank[f.severity] : 0);

/** The rows a list shows: those whose name holds the filter, in the chosen order (stable). */
export function visibleRows<T extends { name: string; worst?: Finding; movers?: number }>(
  rows: T[],
  list: Pick<ListState, 'filter' | 'sort'>,
): T[] {
  const filter = list.filter.toLowerCase();
  const kept = rows.filter((r) => r.name.toLowerCase().includes(filter));
  const byName = (a: T, b: T) => textOrder(a.name, b.name);
  const order: Record<ListState['sort'], (a: T, b: T) => number> = {
    name: byName,
    finding: (a, b) => rank(b.worst) - rank(a.worst) || byName(a, b),
    movers: (a, b) => (b.movers ?? 0) - (a.movers ?? 0) || byName(a, b),
  };
  return kept.sort(order[list.sort]);
}
