import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandTable } from './command-table.js';
import { globalOptionTable } from './global-option-table.js';
import type { OptionSpec } from './option-table.js';
import { parseFast } from './parse-fast.js';
import { parseWithYargs } from './parse-yargs.js';

const fast = (argv: string[]) => parseFast(argv, commandTable, globalOptionTable);
const slow = (argv: string[]) => parseWithYargs(argv, commandTable, globalOptionTable, false);

describe('parseFast', () => {
  it.each([
    [['explain', 'ns/default', '--demo'], 'explain', { target: 'ns/default', demo: true }],
    [['-n', 'media', 'explain'], 'explain', { namespace: 'media' }],
    [['explain', '-f', 'a.yaml', 'ns/x'], 'explain', { filename: ['a.yaml'], target: 'ns/x' }],
    [['explain', '-f', 'a', '--filename=b', '-f', 'c'], 'explain', { filename: ['a', 'b', 'c'] }],
    [['explain', '-n', 'a', '-n', 'b'], 'explain', { namespace: 'b' }],
    [['explain', '-vv', '--v'], 'explain', { v: 3 }],
    [['explain', '-o', 'json', '--color=never'], 'explain', { output: 'json', color: 'never' }],
    [
      ['fix-job', 'pvc/data', '--uid', '1000', '--gid=0', '--volume', 'cache'],
      'fix-job',
      { target: 'pvc/data', uid: 1000, gid: 0, volume: 'cache' },
    ],
    [
      ['annotate', 'ns/x', '--privileged', '--scoped', 'rs/a,rd/b', '--policy-api', 'none'],
      'annotate',
      { privileged: true, scoped: ['rs/a,rd/b'], 'policy-api': 'none' },
    ],
    [['version'], 'version', { output: 'table', v: 0 }],
  ])('reads %j as kubectl would, defaults filled in', (argv, name, expected) => {
    const r = fast(argv);
    expect(r?.command.name).toBe(name);
    expect(r?.args).toMatchObject(expected);
    expect(r?.args).toMatchObject({
      context: [],
      'all-namespaces': false,
      'request-timeout': '30s',
    });
  });

  it.each([
    [[]],
    [['--help']],
    [['explain', '-h']],
    [['annotate', 'ns/x', '--privileged=false']],
    [['annotate', 'ns/x', '--no-privileged']],
    [['explain', '-An', 'x']],
    [['explain', '--apply']],
    [['explain', 'a', 'b']],
    [['explain', '--demo', 'true']],
    [['explain', '--', 'x']],
    [['fix-job', 'pvc/x', '--uid', '-1']],
    [['fix-job', 'pvc/x', '--uid', '0x10']],
    [['explain', '--color', 'purple']],
    [['explain', '--colour']],
    [['nosuch']],
    [['explain', '-n']],
  ])('leaves %j to yargs (help, errors, and what only yargs reads)', (argv) => {
    expect(fast(argv)).toBeUndefined();
  });

  it('no flag name means different things in different commands', () => {
    const seen = new Map<string, string>();
    for (const c of commandTable)
      for (const [name, o] of Object.entries({ ...globalOptionTable, ...c.options })) {
        const shape = `${o.type}${o.array ? '[]' : ''}`;
        expect(seen.get(name) ?? shape, name).toBe(shape);
        seen.set(name, shape);
      }
  });

  it('whatever it parses, yargs parses to the same command and the same args', async () => {
    const allOptions = {
      ...globalOptionTable,
      ...Object.assign({}, ...commandTable.map((c) => c.options)),
    } as typeof globalOptionTable;
    const value = (o: OptionSpec) =>
      o.choices
        ? fc.constantFrom(...o.choices, 'nosuch')
        : o.type === 'number'
          ? fc.constantFrom('0', '1000', '-1', '0x10', 'x')
          : fc.constantFrom('ns/default', 'a.yaml', '30s', '-', '', 'true', '-x');
    /** A flag as users type it: long or short, value inline or next, or some near miss. */
    const flag = fc.constantFrom(...Object.entries(allOptions)).chain(([name, o]) => {
      const names = [`--${name}`, ...(o.short ? [`-${o.short}`] : [])];
      if (o.type === 'boolean' || o.type === 'count')
        return fc.oneof(
          fc.constantFrom(...names).map((n) => [n]),
          fc.constantFrom([`--no-${name}`], [`--${name}=false`], [`--${name}`, 'true']),
        );
      return fc
        .tuple(fc.constantFrom(...names), value(o), fc.boolean())
        .map(([n, v, inline]) => (inline ? [`${n}=${v}`] : [n, v]));
    });
    const word = fc.oneof(
      fc.constantFrom('ns/default', 'rs/a', 'pvc/data', 'default', '-', '--', '-vv', '-An', '-h'),
      fc.stringMatching(/^[a-z0-9/=,-]{0,6}$/),
    );
    const argvs = fc
      .tuple(
        fc.array(flag, { maxLength: 2 }),
        fc.constantFrom(...commandTable.map((c) => c.name), 'nosuch'),
        fc.array(
          fc.oneof(
            { weight: 4, arbitrary: flag },
            word.map((w) => [w]),
          ),
          { maxLength: 5 },
        ),
      )
      .map(([before, cmd, after]) => [...before.flat(), cmd, ...after.flat()]);
    let agreed = 0;
    await fc.assert(
      fc.asyncProperty(argvs, async (argv) => {
        const f = fast(argv);
        if (!f) return;
        const s = await slow(argv);
        expect(s.usage).toBeUndefined();
        expect(s.chosen?.command.name).toBe(f.command.name);
        expect(s.chosen?.args).toEqual(f.args);
        agreed++;
      }),
      { numRuns: 2000 },
    );
    // a generator that seldom reaches the fast path would prove little
    expect(agreed).toBeGreaterThan(200);
  });
});
