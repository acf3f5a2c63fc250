import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandFor, keymap, type Command, type View } from './keymap.js';
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

describe('keymap', () => {
  it.each<[View, string, object, Command | undefined]>([
    ['namespaces', '', { return: true }, 'open'],
    ['detail', '', { return: true }, undefined],
    ['detail', 'a', {}, 'toggleAnnotation'],
    ['namespaces', 'a', {}, undefined],
    ['movers', 'j', {}, 'down'],
    ['movers', '', { downArrow: true }, 'down'],
    ['movers', 'c', { ctrl: true }, 'quit'],
    ['detail', '?', {}, 'help'],
  ])('in %s, %j %j is %s', (view, input, key, expected) => {
    expect(commandFor(view, input, key)).toBe(expected);
  });

  it('gives every command a key, and no key two commands in one view', () => {
    const commands = new Set(keymap.map((b) => b.command));
    expect(commands.size).toBe(keymap.length);
    for (const view of ['namespaces', 'movers', 'detail'] as View[])
      for (const c of 'abcdefghijklmnopqrstuvwxyz/?') {
        const hits = keymap.filter((b) => (!b.views || b.views.includes(view)) && b.matches(c, {}));
        expect(hits.length, `${view} ${c}`).toBeLessThanOrEqual(1);
      }
  });
});
