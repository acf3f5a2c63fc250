import yargs, { type Argv, type Options } from 'yargs';
import type { CommandSpec, OptionSpec, OptionTable, ParsedArgs } from './option-table.js';

export interface YargsParse {
  chosen?: { command: CommandSpec; args: ParsedArgs };
  /** The usage error, if any. */
  usage?: string;
  /** Help text: only when asked for, since rendering it costs ~20 ms. */
  helpText: string;
}

const scriptName = 'kubectl volsync-perms';
const last = (v: unknown): unknown => (Array.isArray(v) ? v[v.length - 1] : v);

/** A table flag as yargs declares it, with kubectl's reading: one value per occurrence, last wins. */
function yargsOption(o: OptionSpec): Options {
  return {
    type: o.type,
    describe: o.describe,
    ...(o.short && { alias: o.short }),
    ...(o.group && { group: o.group }),
    ...(o.choices && { choices: [...o.choices] }),
    ...(o.default !== undefined && { default: o.default }),
    ...(o.array ? { array: true, nargs: 1 } : o.type !== 'count' && { coerce: last }),
  };
}

function withOptions<T>(y: Argv<T>, table: OptionTable): Argv<T> {
  for (const [name, o] of Object.entries(table)) y = y.option(name, yargsOption(o));
  return y;
}

/** The declared flags and positional of a command, without yargs' camelCase and alias copies. */
function ownArgs(spec: CommandSpec, table: OptionTable, a: Record<string, unknown>): ParsedArgs {
  const out: ParsedArgs = {};
  for (const key of [...Object.keys(table), ...(spec.positional ? [spec.positional.name] : [])])
    if (a[key] !== undefined) out[key] = a[key];
  return out;
}

/**
 * The slow path: yargs, built from the same tables, for help, usage errors and whatever the fast
 * parser left to it. With a parse callback yargs renders the help text (to hand it over), so the
 * callback is passed only when help is wanted.
 */
export async function parseWithYargs(
  argv: string[],
  commands: readonly CommandSpec[],
  globals: OptionTable,
  withHelp: boolean,
): Promise<YargsParse> {
  const out: YargsParse = { helpText: '' };
  let parser = withOptions(yargs(argv), globals)
    .scriptName(scriptName)
    .usage(
      `${scriptName} <command> [flags]\n\nThe real UID, GID, groups and capabilities of every VolSync mover, why, and what it breaks.`,
    );
  for (const spec of commands)
    parser = parser.command(
      spec.positional ? `${spec.name} [${spec.positional.name}]` : spec.name,
      spec.describe,
      (y) => {
        if (spec.positional)
          y = y.positional(spec.positional.name, {
            type: 'string',
            describe: spec.positional.describe,
          });
        for (const [cmd, description] of spec.examples) y = y.example(cmd, description);
        return withOptions(y, spec.options);
      },
      (a) => {
        out.chosen = {
          command: spec,
          args: ownArgs(spec, { ...globals, ...spec.options }, a),
        };
      },
    );
  parser = parser
    .demandCommand(1, 'a command is required')
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .wrap(100)
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs throws its own usage errors (YError) from some checks, e.g. `--filename=`
      const e = err as Error | undefined;
      if (e !== undefined && e.name !== 'YError') throw e;
      out.usage = oneLine(e?.message ?? msg);
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

/** yargs words an invalid choice over three lines; a usage error is one (kubectl's style). */
function oneLine(msg: string): string {
  const m = /Invalid values:\s*Argument: ([\w-]+), Given: (.*?), Choices: (.*)$/s.exec(msg.trim());
  return m ? `--${m[1]} ${m[2]}: not a valid value; use one of ${m[3]?.trim()}` : msg;
}
