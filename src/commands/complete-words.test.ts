import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../test/run-cli.js';
import { completeWords, directive, type CommandShape, type Lookups } from './complete-words.js';

const flag = (value: boolean, choices?: string[]) => ({ value, ...(choices && { choices }) });
const globalFlags: CommandShape['flags'] = new Map([
  ['namespace', flag(true)],
  ['n', flag(true)],
  ['context', flag(true)],
  ['output', flag(true)],
  ['o', flag(true)],
  ['filename', flag(true)],
  ['f', flag(true)],
  ['demo', flag(false)],
  ['color', flag(true, ['auto', 'always', 'never'])],
]);
const commands: CommandShape[] = [
  { name: 'explain', describe: 'Every mover', flags: globalFlags, target: 'ns' },
  { name: 'effective-uid', describe: 'One mover', flags: globalFlags, target: 'ref' },
  { name: 'render', describe: 'Its workloads', flags: globalFlags, target: 'ref' },
  {
    name: 'annotate',
    describe: 'Grant',
    flags: new Map([...globalFlags, ['scoped', flag(true)]]),
    target: 'ns',
  },
  { name: 'version', describe: 'Version', flags: globalFlags },
];
const asked: string[] = [];
const lookups: Lookups = {
  namespaces: () => Promise.resolve(['default', 'media']),
  names: (type, ns) => {
    asked.push(`${type} in ${ns ?? '(kubeconfig)'}`);
    return Promise.resolve(type === 'rs' ? ['bookstack', 'immich'] : ['jellyfin-dst']);
  },
  contexts: () => ['prod', 'staging'],
};
const failing: Lookups = {
  namespaces: () => Promise.reject(new Error('timeout')),
  names: () => Promise.reject(new Error('403')),
  contexts: () => [],
};

const { noFileComp, noSpace } = directive;

describe('completeWords', () => {
  it.each([
    ['commands by prefix', [], 'ex', ['explain\tEvery mover'], noFileComp],
    ['namespaces after explain', ['explain'], '', ['ns/default', 'ns/media'], noFileComp],
    ['nothing after the target', ['explain', 'ns/default'], '', [], noFileComp],
    ['types first, without a space', ['effective-uid'], 'r', ['rs/', 'rd/'], noFileComp | noSpace],
    ['names of the type', ['effective-uid', '-n', 'media'], 'rs/b', ['rs/bookstack'], noFileComp],
    [
      'render takes the VolSync kinds',
      ['render'],
      'k',
      ['kopiamaintenance/'],
      noFileComp | noSpace,
    ],
    ['flag names', ['explain'], '--c', ['--color', '--context'], noFileComp],
    ['fixed choices', ['explain', '--color'], 'a', ['auto', 'always'], noFileComp],
    ['output formats', ['explain', '-o'], 'y', ['yaml'], noFileComp],
    ['contexts from the kubeconfig', ['explain', '--context'], '', ['prod', 'staging'], noFileComp],
    ['namespaces for -n', ['effective-uid', '-n'], 'me', ['media'], noFileComp],
    ['files for -f (the shell completes them)', ['explain', '-f'], '', [], 0],
    [
      'the last element of --scoped',
      ['annotate', 'ns/default', '--scoped'],
      'rs/bookstack,rs/i',
      ['rs/bookstack,rs/immich'],
      noFileComp,
    ],
    [
      'a value given with = is not pending',
      ['explain', '--context=prod'],
      '',
      ['ns/default', 'ns/media'],
      noFileComp,
    ],
  ])('%s', async (_name, words, cur, items, dir) => {
    expect(await completeWords(commands, globalFlags, words, cur, lookups)).toEqual({
      items,
      directive: dir,
    });
  });

  it('reads names in the namespace typed with -n, else the kubeconfig default', async () => {
    asked.length = 0;
    await completeWords(commands, globalFlags, ['effective-uid', '-n', 'media'], 'rd/', lookups);
    await completeWords(commands, globalFlags, ['effective-uid'], 'rs/', lookups);
    expect(asked).toEqual(['rd in media', 'rs in (kubeconfig)']);
  });

  it('a cluster that fails or times out completes nothing, without an error', async () => {
    for (const [words, cur] of [
      [['explain'], ''],
      [['effective-uid'], 'rs/'],
    ] as const)
      expect(await completeWords(commands, globalFlags, [...words], cur, failing)).toEqual({
        items: [],
        directive: noFileComp,
      });
  });
});

describe('__complete', () => {
  it('lists the commands with their descriptions and the directive, and every flag of a command', async () => {
    // online: the helper would otherwise append --offline, the word being completed
    const r = await runCliCaptured(['__complete', 'fix-job', '--'], '', {}, true);
    expect(r.code).toBe(0);
    for (const f of ['--volume', '--only-uid', '--relax-psa', '--namespace', '--apply'])
      expect(r.stdout.split('\n')).toContain(f);
    expect(r.stdout).not.toContain('--target');
    expect(r.stdout.endsWith(':4\n')).toBe(true);
  });
});
