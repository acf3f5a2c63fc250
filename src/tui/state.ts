import type { Command, View } from './keymap.js';

export type Overlay = 'help' | 'fixJob' | 'annotatePreview' | 'copyCommand';
export type SortKey = 'name' | 'finding' | 'movers';
const sorts: SortKey[] = ['name', 'finding', 'movers'];

export interface ListState {
  cursor: number;
  filter: string;
  sort: SortKey;
}

/** Hypotheses the detail view resolves instead of the input: never written anywhere. */
export interface WhatIf {
  /** The namespace annotation as if flipped. */
  privileged?: boolean;
  /** moverSecurityContext.runAsUser as if set to this. */
  runAsUser?: number;
  /** The mover as the kopiur object `kubectl kopiur migrate volsync` makes of it. */
  migrateKopiur?: true;
}

export interface State {
  view: View;
  namespaces: ListState;
  movers: ListState;
  namespace?: string;
  /** The selected mover, `Kind/name`. */
  mover?: string;
  /** First line of the detail view shown. */
  scroll: number;
  /** First line of the overlay shown. */
  overlayScroll: number;
  whatIf: WhatIf;
  /** Text being typed: a filter, or a runAsUser. */
  input?: { kind: 'filter' | 'runAsUser'; text: string };
  overlay?: Overlay;
  done: boolean;
}

export type Event =
  | { type: 'command'; command: Command }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'submit' }
  | { type: 'cancel' };

/** What the reducer needs to know of the screen: the rows of the list shown, and the page size. */
export interface Bounds {
  /** Rows of what the keys move in: the list, the detail, or the overlay when one is open. */
  rows: number;
  page: number;
  /** The key of the row under the cursor (namespace name, or mover `Kind/name`). */
  selected?: string;
  /** The namespace annotation as the input has it (for the `a` toggle). */
  privileged?: boolean | null;
}

export const initialState = (namespace?: string): State => ({
  view: namespace === undefined ? 'namespaces' : 'movers',
  namespaces: { cursor: 0, filter: '', sort: 'name' },
  movers: { cursor: 0, filter: '', sort: 'name' },
  ...(namespace !== undefined && { namespace }),
  scroll: 0,
  overlayScroll: 0,
  whatIf: {},
  done: false,
});

/** A copy without one key (optional fields are absent, never undefined). */
function without<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const copy = { ...o };
  Reflect.deleteProperty(copy, key);
  return copy;
}

const clamp = (n: number, rows: number) => Math.max(0, Math.min(n, rows - 1));

/** Where a key moves a position (a cursor or a first line); undefined for other keys. */
function moved(at: number, command: Command, b: Bounds): number | undefined {
  const step: Partial<Record<Command, number>> = {
    up: at - 1,
    down: at + 1,
    pageUp: at - b.page,
    pageDown: at + b.page,
    top: 0,
    bottom: b.rows - 1,
  };
  return step[command];
}

/** A text scrolls until its last line is at the bottom of the screen. */
const scrolled = (at: number, command: Command, b: Bounds) =>
  Math.max(0, Math.min(moved(at, command, b) ?? at, b.rows - b.page));

function moveCursor(s: State, command: Command, b: Bounds): State {
  if (s.view === 'detail') return { ...s, scroll: scrolled(s.scroll, command, b) };
  const list = s.view === 'namespaces' ? 'namespaces' : 'movers';
  const to = moved(s[list].cursor, command, b);
  return to === undefined ? s : { ...s, [list]: { ...s[list], cursor: clamp(to, b.rows) } };
}

function editing(s: State, e: Event): State {
  const input = s.input;
  if (!input) return s;
  const list = s.view === 'namespaces' ? 'namespaces' : 'movers';
  const setFilter = (filter: string): State => ({
    ...s,
    [list]: { ...s[list], filter, cursor: 0 },
  });
  switch (e.type) {
    case 'type': {
      // a paste may hold line ends and tabs (a copied line's newline): names and UIDs have none
      const typed = e.text.replace(/\p{Cc}/gu, '');
      const text = input.kind === 'runAsUser' ? typed.replace(/\D/g, '') : typed;
      const next = { ...input, text: (input.text + text).slice(0, 64) };
      return input.kind === 'filter'
        ? { ...setFilter(next.text), input: next }
        : { ...s, input: next };
    }
    case 'erase': {
      const next = { ...input, text: input.text.slice(0, -1) };
      return input.kind === 'filter'
        ? { ...setFilter(next.text), input: next }
        : { ...s, input: next };
    }
    case 'submit': {
      const rest = without(s, 'input');
      if (input.kind === 'filter') return rest;
      const whatIf = without(s.whatIf, 'runAsUser');
      const uid = Number(input.text);
      return input.text !== '' && uid <= 2147483647
        ? { ...rest, whatIf: { ...whatIf, runAsUser: uid } }
        : { ...rest, whatIf };
    }
    case 'cancel': {
      const rest = without(s, 'input');
      return input.kind === 'filter'
        ? { ...rest, [list]: { ...s[list], filter: '', cursor: 0 } }
        : rest;
    }
    case 'command':
      return s;
  }
}

/** The next state: pure, so every key's effect is a unit test. */
export function reduce(s: State, e: Event, b: Bounds): State {
  if (s.input) return editing(s, e);
  if (e.type !== 'command') return s;
  const c = e.command;
  if (c === 'quit') return { ...s, done: true };
  if (s.overlay) {
    if (c === 'back' || c === s.overlay) return without(s, 'overlay');
    return { ...s, overlayScroll: scrolled(s.overlayScroll, c, b) };
  }
  switch (c) {
    case 'help':
    case 'fixJob':
    case 'annotatePreview':
    case 'copyCommand':
      return { ...s, overlay: c, overlayScroll: 0 };
    case 'open':
      if (b.selected === undefined) return s;
      if (s.view === 'namespaces')
        return {
          ...s,
          view: 'movers',
          namespace: b.selected,
          movers: { ...s.movers, cursor: 0, filter: '' },
        };
      if (s.view === 'movers')
        return { ...s, view: 'detail', mover: b.selected, scroll: 0, whatIf: {} };
      return s;
    case 'back': {
      const list = s.view === 'namespaces' ? 'namespaces' : 'movers';
      if (s.view !== 'detail' && s[list].filter !== '')
        return { ...s, [list]: { ...s[list], filter: '', cursor: 0 } };
      if (s.view === 'detail') return { ...s, view: 'movers', whatIf: {} };
      if (s.view === 'movers') return { ...s, view: 'namespaces' };
      return { ...s, done: true };
    }
    case 'filter': {
      const list = s.view === 'namespaces' ? 'namespaces' : 'movers';
      return { ...s, input: { kind: 'filter', text: s[list].filter } };
    }
    case 'sort': {
      const list = s.view === 'namespaces' ? 'namespaces' : 'movers';
      const next = sorts[(sorts.indexOf(s[list].sort) + 1) % sorts.length] ?? 'name';
      return { ...s, [list]: { ...s[list], sort: next, cursor: 0 } };
    }
    case 'toggleAnnotation': {
      const { privileged, ...rest } = s.whatIf;
      return {
        ...s,
        whatIf: privileged === undefined ? { ...rest, privileged: b.privileged !== true } : rest,
      };
    }
    case 'toggleMigrate': {
      const { migrateKopiur, ...rest } = s.whatIf;
      return { ...s, whatIf: migrateKopiur ? rest : { ...rest, migrateKopiur: true } };
    }
    case 'editRunAsUser':
      return { ...s, input: { kind: 'runAsUser', text: '' } };
    case 'resetWhatIf':
      return { ...s, whatIf: {} };
    default:
      return moveCursor(s, c, b);
  }
}
