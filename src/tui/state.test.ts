import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandFor, eventFor, keymap, type Command, type View } from './keymap.js';
import { splitKeys, type Key } from './split-keys.js';
import { initialState, reduce, type Bounds, type Event, type State } from './state.js';

const bounds: Bounds = { rows: 5, page: 3, selected: 'default', privileged: true };
const cmd = (command: Command): Event => ({ type: 'command', command });
const run = (s: State, events: Event[], b: Bounds = bounds) =>
  events.reduce((x, e) => reduce(x, e, b), s);

describe('reduce', () => {
  it.each<[string, State, Event[], Partial<State>]>([
    [
      'Enter on a namespace opens its movers',
      initialState(),
      [cmd('open')],
      { view: 'movers', namespace: 'default' },
    ],
    [
      'Enter on a mover opens its detail, without what-ifs',
      initialState('default'),
      [cmd('open')],
      { view: 'detail', mover: 'default', whatIf: {} },
    ],
    [
      'Esc goes back from the detail to the movers and drops the what-ifs',
      { ...initialState('default'), view: 'detail', whatIf: { privileged: false } },
      [cmd('back')],
      { view: 'movers', whatIf: {} },
    ],
    ['Esc on the namespaces quits', initialState(), [cmd('back')], { done: true }],
    [
      'q quits from anywhere',
      { ...initialState('default'), view: 'detail' },
      [cmd('quit')],
      { done: true },
    ],
    [
      'the cursor stops at the last row',
      initialState(),
      [cmd('down'), cmd('down'), cmd('pageDown'), cmd('down')],
      { namespaces: { cursor: 4, filter: '', sort: 'name' } },
    ],
    [
      'the cursor stops at the first row',
      initialState(),
      [cmd('pageUp'), cmd('up')],
      { namespaces: { cursor: 0, filter: '', sort: 'name' } },
    ],
    [
      'G goes to the last row, g to the first',
      initialState(),
      [cmd('bottom')],
      { namespaces: { cursor: 4, filter: '', sort: 'name' } },
    ],
    [
      '/ then typing filters live and Enter keeps the filter',
      initialState(),
      [
        cmd('filter'),
        { type: 'type', text: 'me' },
        { type: 'type', text: 'd' },
        { type: 'erase' },
        { type: 'submit' },
      ],
      { namespaces: { cursor: 0, filter: 'me', sort: 'name' }, view: 'namespaces' },
    ],
    [
      'Esc while filtering clears the filter',
      initialState(),
      [cmd('filter'), { type: 'type', text: 'x' }, { type: 'cancel' }],
      { namespaces: { cursor: 0, filter: '', sort: 'name' } },
    ],
    [
      'Esc with a kept filter clears it before going back',
      { ...initialState('default'), movers: { cursor: 0, filter: 'x', sort: 'name' } },
      [cmd('back')],
      { view: 'movers', movers: { cursor: 0, filter: '', sort: 'name' } },
    ],
    [
      's cycles the sort and puts the cursor on top',
      { ...initialState(), namespaces: { cursor: 3, filter: '', sort: 'name' } },
      [cmd('sort')],
      { namespaces: { cursor: 0, filter: '', sort: 'finding' } },
    ],
    [
      'a flips an annotation that is set to removed, and a again drops the what-if',
      { ...initialState('default'), view: 'detail' },
      [cmd('toggleAnnotation')],
      { whatIf: { privileged: false } },
    ],
    [
      'u takes digits only; Enter sets the runAsUser what-if',
      { ...initialState('default'), view: 'detail' },
      [
        cmd('editRunAsUser'),
        { type: 'type', text: '5a6' },
        { type: 'type', text: '8' },
        { type: 'submit' },
      ],
      { whatIf: { runAsUser: 568 } },
    ],
    [
      'u then Enter on nothing drops the runAsUser what-if',
      { ...initialState('default'), view: 'detail', whatIf: { runAsUser: 5 } },
      [cmd('editRunAsUser'), { type: 'submit' }],
      { whatIf: {} },
    ],
    [
      'm sets the migrate-kopiur what-if beside the others, and m again drops it',
      { ...initialState('default'), view: 'detail', whatIf: { runAsUser: 5 } },
      [cmd('toggleMigrate')],
      { whatIf: { runAsUser: 5, migrateKopiur: true } },
    ],
    [
      'm twice leaves the what-ifs as they were',
      { ...initialState('default'), view: 'detail', whatIf: { privileged: true } },
      [cmd('toggleMigrate'), cmd('toggleMigrate')],
      { whatIf: { privileged: true } },
    ],
    [
      'r drops every what-if',
      { ...initialState('default'), view: 'detail', whatIf: { runAsUser: 5, privileged: true } },
      [cmd('resetWhatIf')],
      { whatIf: {} },
    ],
    [
      '? opens the help; Esc closes it, without leaving the view',
      { ...initialState('default'), view: 'detail' },
      [cmd('help'), cmd('back')],
      { view: 'detail' },
    ],
    [
      'keys move the overlay, not the list, while it is open',
      initialState(),
      [cmd('fixJob'), cmd('down'), cmd('down')],
      { overlay: 'fixJob', overlayScroll: 2, namespaces: { cursor: 0, filter: '', sort: 'name' } },
    ],
    [
      'typed text drops control characters (a pasted line end)',
      initialState(),
      [cmd('filter'), { type: 'type', text: 'st\r\n\t' }],
      { namespaces: { cursor: 0, filter: 'st', sort: 'name' } },
    ],
  ])('%s', (_name, from, events, expected) => {
    expect(run(from, events)).toMatchObject(expected);
  });

  it('a twice comes back to the input', () => {
    const s = { ...initialState('default'), view: 'detail' as const };
    expect(run(s, [cmd('toggleAnnotation'), cmd('toggleAnnotation')]).whatIf).toEqual({});
  });

  it('keeps the cursor on a row of the list, whatever the keys', () => {
    const commands: Command[] = [
      'up',
      'down',
      'pageUp',
      'pageDown',
      'top',
      'bottom',
      'sort',
      'filter',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.constantFrom(...commands), { maxLength: 40 }),
        (rows, keys) => {
          const b = { ...bounds, rows, page: 7 };
          let s = initialState();
          for (const k of keys) {
            s = reduce(s, cmd(k), b);
            if (s.input) s = reduce(s, { type: 'submit' }, b);
          }
          expect(s.namespaces.cursor).toBeGreaterThanOrEqual(0);
          expect(s.namespaces.cursor).toBeLessThan(rows);
        },
      ),
    );
  });
});

/** The one key `sequence` is (a test of the keymap, not of the splitter). */
function keyOf(sequence: string): Key {
  const [key, ...more] = splitKeys(sequence, { final: true }).keys;
  if (!key || more.length > 0) throw new Error(`${JSON.stringify(sequence)} is not one key`);
  return key;
}

describe('keymap', () => {
  it.each<[View, string, Command | undefined]>([
    ['namespaces', '\r', 'open'],
    ['namespaces', '\n', 'open'],
    ['detail', '\r', undefined],
    ['detail', 'a', 'toggleAnnotation'],
    ['namespaces', 'a', undefined],
    ['movers', 'j', 'down'],
    ['movers', '\u001b[B', 'down'],
    ['movers', '\u001bOB', 'down'],
    ['movers', '\u001b[A', 'up'],
    ['movers', '\u001b[6~', 'pageDown'],
    ['movers', '\u001b[5~', 'pageUp'],
    ['movers', '\u001b[H', 'top'],
    ['movers', '\u001b[4~', 'bottom'],
    ['movers', '\u001b', 'back'],
    ['movers', '\u0003', 'quit'],
    ['detail', '?', 'help'],
    ['detail', '\u001b[1;5A', undefined],
  ])('in %s, %j is %s', (view, sequence, expected) => {
    expect(commandFor(view, keyOf(sequence))).toBe(expected);
  });

  it('gives every command a key, and no key two commands in one view', () => {
    const commands = new Set(keymap.map((b) => b.command));
    expect(commands.size).toBe(keymap.length);
    for (const view of ['namespaces', 'movers', 'detail'] as View[])
      for (const c of 'abcdefghijklmnopqrstuvwxyz/?') {
        const hits = keymap.filter(
          (b) => (!b.views || b.views.includes(view)) && b.matches(keyOf(c)),
        );
        expect(hits.length, `${view} ${c}`).toBeLessThanOrEqual(1);
      }
  });
});

/** The state after one read of the terminal: split into keys, each read in the state it meets. */
const afterRead = (s: State, chunk: string) =>
  splitKeys(chunk, { final: true }).keys.reduce((x, k) => {
    const e = eventFor(x, k);
    return e ? reduce(x, e, bounds) : x;
  }, s);

describe('a read of several keys, split, then keymap and reducer', () => {
  const detail: State = { ...initialState('default'), view: 'detail' };
  it.each<[string, State, string, Partial<State>]>([
    [
      '/ then a name and Enter in one read keeps the filter (not "default\\r")',
      initialState(),
      '/default\r',
      { namespaces: { cursor: 0, filter: 'default', sort: 'name' } },
    ],
    [
      'Backspace in the same read erases the character before it',
      initialState(),
      '/def\u007fx\r',
      { namespaces: { cursor: 0, filter: 'dex', sort: 'name' } },
    ],
    [
      'Esc then / in one read clears the filter and opens a new one',
      initialState(),
      '/x\u001b/',
      { namespaces: { cursor: 0, filter: '', sort: 'name' }, input: { kind: 'filter', text: '' } },
    ],
    [
      'a paste goes into the filter as text, its line end dropped',
      initialState(),
      '/\u001b[200~st\r\u001b[201~\r',
      { namespaces: { cursor: 0, filter: 'st', sort: 'name' } },
    ],
    [
      'a paste outside a text is dropped: pasting q does not quit, j does not move',
      initialState(),
      '\u001b[200~qj\u001b[201~',
      { done: false, namespaces: { cursor: 0, filter: '', sort: 'name' } },
    ],
    [
      'q typed in the filter is text, not quit',
      initialState(),
      '/q',
      { done: false, input: { kind: 'filter', text: 'q' } },
    ],
    [
      'u, digits and Enter in one read set the runAsUser what-if',
      detail,
      'u568\r',
      { whatIf: { runAsUser: 568 } },
    ],
    [
      'a paste into the runAsUser prompt keeps its digits',
      detail,
      'u\u001b[200~1000\n\u001b[201~\r',
      { whatIf: { runAsUser: 1000 } },
    ],
    [
      'arrows in one read scroll the overlay, each one step',
      detail,
      '?\u001b[B\u001bOB',
      { overlay: 'help', overlayScroll: 2 },
    ],
    [
      'a lone Esc at the end of the read closes the overlay',
      detail,
      '?\u001b',
      { view: 'detail', overlayScroll: 0 },
    ],
    ['Ctrl-C in the middle of a read quits', initialState(), 'j\u0003j', { done: true }],
  ])('%s', (_name, from, chunk, expected) => {
    const after = afterRead(from, chunk);
    expect(after).toMatchObject(expected);
    if (!('input' in expected)) expect(after.input).toBeUndefined();
    if (!('overlay' in expected)) expect(after.overlay).toBeUndefined();
  });
});
