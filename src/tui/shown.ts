import type { SubjectRef } from '../core/report/resolve-report.js';
import type { TuiData } from './data.js';
import { keymap } from './keymap.js';
import { detailLines, type Line } from './lines.js';
import {
  moverRows,
  namespaceRows,
  visibleRows,
  type MoverRow,
  type NamespaceRow,
} from './model.js';
import type { Bounds, Overlay, SortKey, State, WhatIf } from './state.js';

/** What a state shows: the lists as filtered and sorted, the mover's detail, the overlay. */
export interface Shown {
  namespaces: NamespaceRow[];
  movers: MoverRow[];
  /** The mover of the detail view. */
  ref?: SubjectRef;
  detail: Line[];
  overlay: Line[];
  /** What the keys move in, for the reducer (the page size is the terminal's). */
  bounds: Omit<Bounds, 'page'>;
}

/** `f`, remembering its last result: called again with the same arguments, it gives it back. */
function lastOf<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  let last: { args: A; result: R } | undefined;
  return (...args) => {
    const before = last;
    if (before?.args.length === args.length && args.every((a, i) => Object.is(a, before.args[i])))
      return before.result;
    const result = f(...args);
    last = { args, result };
    return result;
  };
}

function helpLines(): Line[] {
  return [
    { text: 'Keys', tone: 'title' },
    ...keymap
      .filter((b) => b.keys !== '')
      .map((b) => ({
        text: `  ${b.keys.padEnd(10)} ${b.help}${b.views ? ` (${b.views.join(', ')})` : ''}`,
      })),
    { text: '' },
    {
      text: 'What-ifs (a, u) are resolved by the same rules as explain, on a copy of the input:',
      tone: 'dim',
    },
    {
      text: 'nothing is written. The TUI applies nothing; the CLI commands do, with --apply.',
      tone: 'dim',
    },
  ];
}

const toText = (text: string): Line[] =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((t) => ({ text: t }));

/**
 * What each state shows, for the frame and for the keys alike: a read can hold several keys, and
 * each is read against the screen the one before it left, not against the last frame drawn
 * (`Enter Enter` opens the namespace, then its first mover). Each part is remembered for the
 * state parts it depends on: moving the cursor does not filter and sort thousands of rows again.
 */
export function shownFor(data: TuiData): (s: State) => Shown {
  const allNamespaces = namespaceRows(data);
  const namespaces = lastOf((filter: string, sort: SortKey) =>
    visibleRows(allNamespaces, { filter, sort }),
  );
  const allMovers = lastOf((namespace: string | undefined) =>
    namespace === undefined ? [] : moverRows(data, namespace),
  );
  const movers = lastOf((namespace: string | undefined, filter: string, sort: SortKey) =>
    visibleRows(allMovers(namespace), { filter, sort }),
  );
  const refOf = lastOf((namespace: string | undefined, mover: string | undefined) => {
    if (mover === undefined || namespace === undefined) return undefined;
    const [kind = '', ...name] = mover.split('/');
    return { kind, namespace, name: name.join('/') };
  });
  const detail = lastOf((ref: SubjectRef | undefined, whatIf: WhatIf) =>
    ref
      ? detailLines(
          data.subject(ref, whatIf),
          whatIf,
          ref.namespace,
          data.audits(ref),
          data.migration(ref, whatIf),
        )
      : [],
  );
  const overlay = lastOf(
    (
      overlay: Overlay | undefined,
      ref: SubjectRef | undefined,
      namespace: string | undefined,
    ): Line[] => {
      switch (overlay) {
        case 'help':
          return helpLines();
        case 'fixJob':
          return ref ? toText(data.fixJobYaml(ref)) : [];
        case 'annotatePreview':
          return ref ? toText(data.annotatePreview(ref)) : [];
        case 'copyCommand':
          return [
            {
              text: 'The same view from the command line (copied to the clipboard where the terminal allows):',
              tone: 'dim',
            },
            { text: data.command(ref, namespace) },
          ];
        default:
          return [];
      }
    },
  );
  return (s) => {
    const ref = s.view === 'detail' ? refOf(s.namespace, s.mover) : undefined;
    const shown = {
      namespaces: namespaces(s.namespaces.filter, s.namespaces.sort),
      movers: movers(s.namespace, s.movers.filter, s.movers.sort),
      ...(ref && { ref }),
      detail: detail(ref, s.whatIf),
      overlay: overlay(s.overlay, ref, s.namespace),
    };
    const list = s.view === 'namespaces' ? shown.namespaces : shown.movers;
    const cursor = s.view === 'namespaces' ? s.namespaces.cursor : s.movers.cursor;
    const selected = list[cursor]?.key;
    const rows = s.overlay ? shown.overlay : s.view === 'detail' ? shown.detail : list;
    return {
      ...shown,
      bounds: {
        rows: rows.length,
        ...(selected !== undefined && { selected }),
        ...(s.namespace !== undefined && { privileged: data.namespace(s.namespace).privileged }),
      },
    };
  };
}
