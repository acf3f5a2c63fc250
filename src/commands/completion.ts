import { commandTable } from '../cli/command-table.js';
import { globalOptionTable } from '../cli/global-option-table.js';
import type { CommandSpec, OptionTable } from '../cli/option-table.js';
import { UsageError } from '../errors.js';
import { completionScript, shells, type Shell } from '../render/completion-scripts.js';
import {
  completeWords,
  renderCompletion,
  type CommandShape,
  type Lookups,
} from './complete-words.js';
import { write, type Deps } from './deps.js';

/** The flags of a table as completion sees them: long and short names, value or not, choices. */
function flagsOf(table: OptionTable): CommandShape['flags'] {
  const flags: CommandShape['flags'] = new Map();
  for (const [name, o] of Object.entries(table)) {
    const value = o.type !== 'boolean' && o.type !== 'count';
    flags.set(name, { value, ...(o.choices && { choices: [...o.choices] }) });
    if (o.short) flags.set(o.short, { value });
  }
  return flags;
}

/** Every command as completion needs it: its name, description, flags and first argument. */
export function commandShapes(specs: readonly CommandSpec[] = commandTable): {
  commands: CommandShape[];
  globalFlags: CommandShape['flags'];
} {
  const commands = specs.map((c): CommandShape => ({
    name: c.name,
    describe: c.describe,
    flags: flagsOf({ ...globalOptionTable, ...c.options, help: helpFlag }),
    ...(c.positional?.completes && { target: c.positional.completes }),
  }));
  return { commands, globalFlags: flagsOf({ ...globalOptionTable, help: helpFlag }) };
}

const helpFlag = { type: 'boolean', short: 'h', describe: 'Show help' } as const;

/** `__complete WORDS... TO_COMPLETE`: what kubectl_complete-volsync_perms and the scripts call. */
export async function runComplete(args: string[], deps: Deps): Promise<number> {
  const words = args.slice(0, -1);
  const toComplete = args[args.length - 1] ?? '';
  const { commands, globalFlags } = commandShapes();
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

export function runCompletion(shell: string | undefined, deps: Deps): Promise<number> {
  if (shell === undefined || !(shells as readonly string[]).includes(shell))
    throw new UsageError(`completion needs a shell: ${shells.join(', ')}`);
  write(deps.stdout, completionScript(shell as Shell));
  return Promise.resolve(0);
}
