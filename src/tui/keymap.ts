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
  | 'resetWhatIf'
  | 'fixJob'
  | 'annotatePreview'
  | 'copyCommand';

export type View = 'namespaces' | 'movers' | 'detail';

/** The keys Ink reports besides the typed text. */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
}

interface Binding {
  keys: string;
  help: string;
  command: Command;
  /** Views where it applies; all when absent. */
  views?: View[];
  matches(input: string, key: KeyPress): boolean;
}

const is = (c: string) => (input: string, key: KeyPress) => input === c && !key.ctrl;

export const keymap: Binding[] = [
  {
    keys: '↑ k',
    help: 'previous row',
    command: 'up',
    matches: (i, k) => k.upArrow === true || is('k')(i, k),
  },
  {
    keys: '↓ j',
    help: 'next row',
    command: 'down',
    matches: (i, k) => k.downArrow === true || is('j')(i, k),
  },
  {
    keys: 'PgUp PgDn',
    help: 'previous / next page',
    command: 'pageUp',
    matches: (_i, k) => k.pageUp === true,
  },
  { keys: '', help: '', command: 'pageDown', matches: (_i, k) => k.pageDown === true },
  {
    keys: 'g G',
    help: 'first / last row',
    command: 'top',
    matches: (i, k) => k.home === true || is('g')(i, k),
  },
  { keys: '', help: '', command: 'bottom', matches: (i, k) => k.end === true || is('G')(i, k) },
  {
    keys: 'Enter',
    help: 'open the selected row',
    command: 'open',
    views: ['namespaces', 'movers'],
    matches: (_i, k) => k.return === true,
  },
  {
    keys: 'Esc',
    help: 'back (at the top: quit)',
    command: 'back',
    matches: (_i, k) => k.escape === true,
  },
  {
    keys: 'q',
    help: 'quit',
    command: 'quit',
    matches: (i, k) => is('q')(i, k) || (k.ctrl === true && i === 'c'),
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

/** The command a key press means in a view, if any. */
export function commandFor(view: View, input: string, key: KeyPress): Command | undefined {
  return keymap.find(
    (b) => (b.views === undefined || b.views.includes(view)) && b.matches(input, key),
  )?.command;
}
