import yargs, { type Argv, type CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { completionScript, shells, type Shell } from '../render/completion-scripts.js';
import type { Chosen } from './chosen.js';
import {
  completeWords,
  renderCompletion,
  type CommandShape,
  type Lookups,
} from './complete-words.js';
import { write, type Deps } from './deps.js';
import { globalOptions, type GlobalArgs } from './global-options.js';

/** yargs keeps what its builder declared here; the typings do not say so. */
interface Declared {
  getOptions(): {
    key: Record<string, boolean>;
    boolean: string[];
    count: string[];
    alias: Record<string, string[]>;
    choices: Record<string, string[]>;
  };
}

/** The flags yargs knows for a command; its positionals (`[target]`) are not flags. */
function flagsOf(y: Argv<unknown>, positionals: string[] = []): CommandShape['flags'] {
  const o = (y as unknown as Declared).getOptions();
  const flags: CommandShape['flags'] = new Map();
  const valueless = new Set([...o.boolean, ...o.count, 'help', 'version']);
  for (const key of Object.keys(o.key)) {
    if (key === 'version' || positionals.includes(key)) continue;
    const choices = o.choices[key];
    flags.set(key, { value: !valueless.has(key), ...(choices && { choices }) });
    for (const a of o.alias[key] ?? []) flags.set(a, { value: !valueless.has(key) });
  }
  return flags;
}

/** Every command as completion needs it: its name, description, flags and first argument. */
export function commandShapes(modules: CommandModule<GlobalArgs, never>[]): {
  commands: CommandShape[];
  globalFlags: CommandShape['flags'];
} {
  const base = () => globalOptions(yargs([]));
  const commands = modules.map((m): CommandShape => {
    const command = String(m.command);
    const name = command.split(' ')[0] ?? command;
    const built =
      typeof m.builder === 'function'
        ? (m.builder as unknown as (y: Argv<GlobalArgs>) => Argv<unknown>)(base())
        : base();
    const target = /\[target\]/.test(command)
      ? name === 'explain' || name === 'annotate'
        ? 'ns'
        : 'ref'
      : undefined;
    return {
      name,
      describe: String(m.describe ?? ''),
      flags: flagsOf(
        built,
        [...command.matchAll(/[[<]([\w-]+)[\]>]/g)].map((p) => p[1] ?? ''),
      ),
      ...(target && { target }),
    };
  });
  return { commands, globalFlags: flagsOf(base()) };
}

/** `__complete WORDS... TO_COMPLETE`: what kubectl_complete-volsync_perms and the scripts call. */
export async function runComplete(
  args: string[],
  modules: CommandModule<GlobalArgs, never>[],
  deps: Deps,
): Promise<number> {
  const words = args.slice(0, -1);
  const toComplete = args[args.length - 1] ?? '';
  const { commands, globalFlags } = commandShapes(modules);
  const { clusterLookups } = await import('./completion-lookups.js');
  const c = await completeWords(
    commands,
    globalFlags,
    words,
    toComplete,
    clusterLookups(words, deps) satisfies Lookups,
  );
  write(deps.stdout, renderCompletion(c));
  return 0;
}

export function completionCommand(
  chosen: Chosen,
  deps: Deps,
): CommandModule<GlobalArgs, GlobalArgs & { shell?: string }> {
  return {
    command: 'completion [shell]',
    describe:
      'Print the shell completion script: bash, zsh, fish, or kubectl (kubectl_complete-volsync_perms)',
    builder: (y) =>
      y
        .positional('shell', { type: 'string', describe: shells.join(', ') })
        .example(
          'kubectl volsync-perms completion bash > /etc/bash_completion.d/kubectl-volsync_perms',
          'bash',
        )
        .example(
          'kubectl volsync-perms completion kubectl > ~/.krew/bin/kubectl_complete-volsync_perms && chmod +x ~/.krew/bin/kubectl_complete-volsync_perms',
          'Completion of `kubectl volsync-perms ...` (kubectl >= 1.26)',
        ),
    handler: (a) => {
      chosen.set(() => {
        if (a.shell === undefined || !(shells as readonly string[]).includes(a.shell))
          throw new UsageError(`completion needs a shell: ${shells.join(', ')}`);
        write(deps.stdout, completionScript(a.shell as Shell));
        return Promise.resolve(0);
      });
    },
  };
}
