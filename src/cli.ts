import { commandTable } from './cli/command-table.js';
import { globalOptionTable } from './cli/global-option-table.js';
import type { CommandSpec, ParsedArgs } from './cli/option-table.js';
import { parseFast } from './cli/parse-fast.js';
import { onTerminal, type Deps } from './commands/deps.js';
import { InvalidSpecError } from './core/errors.js';
import { PlanRefused } from './core/plans/plan-refused.js';
import { CliError, exitCodes } from './errors.js';

/** Parses argv, runs one command and returns its exit code; the only place errors are printed. */
export async function runCli(rawArgv: string[], deps: Deps): Promise<number> {
  // no command on a terminal opens the TUI; in a pipe it prints the help
  const argv = joinStdinFilename(rawArgv.length === 0 && onTerminal(deps) ? ['tui'] : rawArgv);
  const verbose = argv.some((a) => /^-v+$/.test(a) || a === '--v');
  let chosen: { command: CommandSpec; args: ParsedArgs } | undefined;
  try {
    // the shell's words are not this command's flags: completion reads them itself
    if (argv[0] === '__complete')
      return await (await import('./commands/completion.js')).runComplete(argv.slice(1), deps);
    chosen = parseFast(argv, commandTable, globalOptionTable);
    if (!chosen) {
      const code = await parseSlowly(argv, deps);
      if (typeof code === 'number') return code;
      chosen = code;
    }
  } catch (e) {
    return report(e, deps, verbose);
  }
  try {
    return await chosen.command.run(chosen.args, deps);
  } catch (e) {
    return report(e, deps, verbose);
  }
}

/** yargs: the help text, a usage error (exit 2) with the help above it, or the command to run. */
async function parseSlowly(
  argv: string[],
  deps: Deps,
): Promise<number | { command: CommandSpec; args: ParsedArgs }> {
  const { parseWithYargs } = await import('./cli/parse-yargs.js');
  const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h');
  let parsed = await parseWithYargs(argv, commandTable, globalOptionTable, wantsHelp);
  if (parsed.usage !== undefined && !wantsHelp)
    parsed = await parseWithYargs(argv, commandTable, globalOptionTable, true);
  const { chosen, usage, helpText } = parsed;
  if (usage !== undefined) {
    const help = helpText.trim();
    deps.stderr.write(`${help === '' ? '' : `${help}\n\n`}error: ${usage}\n`);
    return exitCodes.usage;
  }
  if (!chosen) {
    deps.stdout.write(helpText.endsWith('\n') || helpText === '' ? helpText : `${helpText}\n`);
    return exitCodes.ok;
  }
  return chosen;
}

/** One line: `error: <object>: <what is wrong>; <how to fix>`; -v adds the cause chain. */
function report(e: unknown, deps: Deps, verbose: boolean): number {
  if (e instanceof InvalidSpecError) {
    const at = e.origin ? `${e.origin.file}:${e.origin.line}: ` : '';
    deps.stderr.write(`error: ${at}${e.where}: ${e.problem}; ${e.fix}\n`);
    return exitCodes.input;
  }
  if (e instanceof PlanRefused) {
    deps.stderr.write(`error: ${e.message}\n`);
    return { usage: exitCodes.usage, input: exitCodes.input, refused: exitCodes.applyRefused }[
      e.kind
    ];
  }
  if (e instanceof CliError) {
    deps.stderr.write(`error: ${e.message}\n`);
    if (verbose && e.cause instanceof Error) deps.stderr.write(`cause: ${e.cause.message}\n`);
    return e.exitCode;
  }
  const msg = e instanceof Error ? e.message : String(e);
  deps.stderr.write(
    `error: internal error: ${msg.split('\n')[0] ?? ''}; please report it with the command you ran\n`,
  );
  if (verbose && e instanceof Error && e.stack) deps.stderr.write(`${e.stack}\n`);
  return exitCodes.internal;
}

/** yargs reads a lone `-` as a positional; `-f -` (stdin, as in kubectl) must stay the flag's value. */
function joinStdinFilename(argv: string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    const prev = out[out.length - 1];
    if (a === '-' && (prev === '-f' || prev === '--filename')) out[out.length - 1] = '--filename=-';
    else out.push(a);
  }
  return out;
}
