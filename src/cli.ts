import yargs, { type CommandModule } from 'yargs';
import { Chosen } from './commands/chosen.js';
import type { Deps } from './commands/deps.js';
import { annotateCommand } from './commands/annotate.js';
import { effectiveUidCommand } from './commands/effective-uid.js';
import { explainCommand } from './commands/explain.js';
import { fixJobCommand } from './commands/fix-job.js';
import { completionCommand, runComplete } from './commands/completion.js';
import { globalOptions, type GlobalArgs } from './commands/global-options.js';
import { versionCommand } from './commands/version.js';
import { InvalidSpecError } from './core/errors.js';
import { PlanRefused } from './core/plans/plan-refused.js';
import { CliError, exitCodes } from './errors.js';

const scriptName = 'kubectl volsync-perms';

function commandsFor(chosen: Chosen, deps: Deps): CommandModule<GlobalArgs, never>[] {
  return [
    explainCommand(chosen, deps),
    effectiveUidCommand(chosen, deps),
    fixJobCommand(chosen, deps),
    annotateCommand(chosen, deps),
    versionCommand(chosen, deps),
    completionCommand(chosen, deps),
  ] as unknown as CommandModule<GlobalArgs, never>[];
}

interface Parsed {
  chosen: Chosen;
  /** The usage error, if any. */
  usage?: string;
  /** Help text: only when asked for, since rendering it costs ~20 ms of every start. */
  helpText: string;
}

/**
 * Parses argv once. With a parse callback yargs renders the help text on every run (to hand it to
 * the callback), so it is passed only when the help is wanted: --help, no command, or a usage
 * error being reported (a second parse).
 */
async function parse(argv: string[], deps: Deps, withHelp: boolean): Promise<Parsed> {
  const out: Parsed = { chosen: new Chosen(), helpText: '' };
  const parser = globalOptions(yargs(argv))
    .scriptName(scriptName)
    .usage(
      `${scriptName} <command> [flags]\n\nThe real UID, GID, groups and capabilities of every VolSync mover, why, and what it breaks.`,
    )
    .command(commandsFor(out.chosen, deps))
    .demandCommand(1, 'a command is required')
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .wrap(100)
    .exitProcess(false)
    .fail((msg, err) => {
      if ((err as Error | undefined) !== undefined) throw err;
      out.usage = msg;
    });
  try {
    if (withHelp)
      await parser.parseAsync(argv, {}, (_err, _args, output) => {
        out.helpText = output;
      });
    else await parser.parseAsync(argv);
  } catch (e) {
    if (out.usage === undefined) throw e;
  }
  return out;
}

/** Parses argv, runs one command and returns its exit code; the only place errors are printed. */
export async function runCli(rawArgv: string[], deps: Deps): Promise<number> {
  const argv = joinStdinFilename(rawArgv);
  // the shell's words are not this command's flags: completion reads them itself
  if (argv[0] === '__complete')
    return runComplete(argv.slice(1), commandsFor(new Chosen(), deps), deps);
  const verbose = argv.some((a) => /^-v+$/.test(a) || a === '--v');
  const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h');
  let parsed: Parsed;
  try {
    parsed = await parse(argv, deps, wantsHelp);
    if (parsed.usage !== undefined && !wantsHelp) parsed = await parse(argv, deps, true);
  } catch (e) {
    return report(e, deps, verbose);
  }
  const { chosen, usage, helpText } = parsed;
  if (usage !== undefined) {
    deps.stderr.write(`${helpText.trim()}\n\nerror: ${usage}\n`);
    return exitCodes.usage;
  }
  if (!chosen.run) {
    deps.stdout.write(helpText.endsWith('\n') || helpText === '' ? helpText : `${helpText}\n`);
    return exitCodes.ok;
  }
  try {
    return await chosen.run();
  } catch (e) {
    return report(e, deps, verbose);
  }
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
