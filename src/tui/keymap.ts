import type { Key, KeyName } from './split-keys.js';
import type { Event, State } from './state.js';

/** What a key does; the help overlay lists this table, so keys and help never disagree. */
export type Command =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'open'
  | 'back'
  | 'quit'
  | 'filter'
  | 'sort'
  | 'help'
  | 'toggleAnnotation'
  | 'editRunAsUser'
  | 'toggleMigrate'
  | 'resetWhatIf'
  | 'fixJob'
  | 'annotatePreview'
  | 'copyCommand';

export type View = 'namespaces' | 'movers' | 'detail';

interface Binding {
  keys: string;
  help: string;
  command: Command;
  /** Views where it applies; all when absent. */
  views?: View[];
  matches(key: Key): boolean;
}

/** The character `c` typed. */
const is = (c: string) => (k: Key) => k.name === 'char' && k.text === c;
/** The key named `name`. */
const named = (name: KeyName) => (k: Key) => k.name === name;

export const keymap: Binding[] = [
  {
    keys: '↑ k',
    help: 'previous row',
    command: 'up',
    matches: (k) => k.name === 'up' || is('k')(k),
  },
  {
    keys: '↓ j',
    help: 'next row',
    command: 'down',
    matches: (k) => k.name === 'down' || is('j')(k),
  },
  {
    keys: 'PgUp PgDn',
    help: 'previous / next page',
    command: 'pageUp',
    matches: named('pageUp'),
  },
  { keys: '', help: '', command: 'pageDown', matches: named('pageDown') },
  {
    keys: 'g G',
    help: 'first / last row',
    command: 'top',
    matches: (k) => k.name === 'home' || is('g')(k),
  },
  { keys: '', help: '', command: 'bottom', matches: (k) => k.name === 'end' || is('G')(k) },
  {
    keys: 'Enter',
    help: 'open the selected row',
    command: 'open',
    views: ['namespaces', 'movers'],
    matches: named('enter'),
  },
  {
    keys: 'Esc',
    help: 'back (at the top: quit)',
    command: 'back',
    matches: named('escape'),
  },
  {
    keys: 'q',
    help: 'quit',
    command: 'quit',
    matches: (k) => is('q')(k) || k.name === 'ctrlC',
  },
  {
    keys: '/',
    help: 'filter by name (Enter keeps it, Esc clears it)',
    command: 'filter',
    views: ['namespaces', 'movers'],
    matches: is('/'),
  },
  {
    keys: 's',
    help: 'sort: name, worst finding, movers',
    command: 'sort',
    views: ['namespaces', 'movers'],
    matches: is('s'),
  },
  {
    keys: 'a',
    help: 'what if: flip the namespace annotation',
    command: 'toggleAnnotation',
    views: ['detail'],
    matches: is('a'),
  },
  {
    keys: 'u',
    help: 'what if: another moverSecurityContext.runAsUser',
    command: 'editRunAsUser',
    views: ['detail'],
    matches: is('u'),
  },
  {
    keys: 'm',
    help: 'what if: migrated to kopiur (kubectl kopiur migrate volsync)',
    command: 'toggleMigrate',
    views: ['detail'],
    matches: is('m'),
  },
  {
    keys: 'r',
    help: 'drop the what-ifs',
    command: 'resetWhatIf',
    views: ['detail'],
    matches: is('r'),
  },
  {
    keys: 'f',
    help: 'the fix-job Job for this mover (YAML)',
    command: 'fixJob',
    views: ['detail'],
    matches: is('f'),
  },
  {
    keys: 'p',
    help: 'the annotate --scoped preview for this mover',
    command: 'annotatePreview',
    views: ['detail'],
    matches: is('p'),
  },
  {
    keys: 'c',
    help: 'the equivalent CLI command (copied)',
    command: 'copyCommand',
    views: ['movers', 'detail'],
    matches: is('c'),
  },
  { keys: '?', help: 'this help', command: 'help', matches: is('?') },
];

/** The command a key means in a view, if any. */
export function commandFor(view: View, key: Key): Command | undefined {
  return keymap.find((b) => (b.views === undefined || b.views.includes(view)) && b.matches(key))
    ?.command;
}

/**
 * What a key means in a state: while a text is typed (a filter, a runAsUser) keys edit it, else
 * the keymap's command. A paste is text, never commands: in a text it is typed, elsewhere it is
 * dropped (pasting `q` does not quit).
 */
export function eventFor(s: Pick<State, 'view' | 'input'>, key: Key): Event | undefined {
  if (s.input)
    switch (key.name) {
      case 'enter':
        return { type: 'submit' };
      case 'escape':
        return { type: 'cancel' };
      case 'backspace':
      case 'delete':
        return { type: 'erase' };
      case 'char':
      case 'paste':
        return { type: 'type', text: key.text };
      default:
        return undefined;
    }
  if (key.name === 'paste') return undefined;
  const command = commandFor(s.view, key);
  return command && { type: 'command', command };
}
