import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { CommandSpec, OptionTable, ParsedArgs } from './option-table.js';

export interface FastParse {
  command: CommandSpec;
  args: ParsedArgs;
}

/**
 * Parses a well-formed command line with node:util's parseArgs, which costs nothing to load;
 * yargs (tens of milliseconds: it renders the help text of every command it runs) is loaded
 * only for help and usage errors. Anything this parser is not sure to read as yargs does (help,
 * unknown flags, `--no-x`, `--flag=value` on booleans, short-flag clusters, `--`, a lone `-`, a positional
 * `true`/`false` that yargs would take as a boolean's value, a malformed number or choice) is
 * undefined, and yargs decides; a property test holds the two to the same answers.
 */
export function parseFast(
  argv: string[],
  commands: readonly CommandSpec[],
  globals: OptionTable,
): FastParse | undefined {
  if (argv.some((a) => a === '--' || a === '-' || (/^-[^-]./.test(a) && !/^-v+$/.test(a))))
    return undefined;
  const all: OptionTable = { ...globals };
  for (const c of commands) Object.assign(all, c.options);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: parseArgsConfig(all),
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch {
    return undefined;
  }
  const [name, ...rest] = parsed.positionals;
  const command = commands.find((c) => c.name === name);
  if (!command || rest.length > (command.positional ? 1 : 0)) return undefined;
  if (rest.some((p) => p === 'true' || p === 'false')) return undefined;
  // before its name a command's own flags are unknown to yargs, which reads the name as a value
  const named = parsed.tokens.find((t) => t.kind === 'positional')?.index ?? 0;
  if (parsed.tokens.some((t) => t.kind === 'option' && t.index < named && !(t.name in globals)))
    return undefined;
  const table = { ...globals, ...command.options };
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[]>;
  const args: ParsedArgs = {};
  for (const [key, value] of Object.entries(values)) {
    const spec = table[key];
    if (!spec) return undefined; // another command's flag: yargs names it
    const v = valueOf(spec, value);
    if (v === undefined) return undefined;
    args[key] = v;
  }
  for (const [key, spec] of Object.entries(table))
    if (!(key in args)) {
      if (spec.default !== undefined)
        args[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
      else if (spec.type === 'count') args[key] = 0;
    }
  if (command.positional && rest[0] !== undefined) args[command.positional.name] = rest[0];
  return { command, args };
}

function parseArgsConfig(table: OptionTable): ParseArgsOptionsConfig {
  const config: ParseArgsOptionsConfig = {};
  for (const [key, o] of Object.entries(table))
    config[key] = {
      type: o.type === 'boolean' || o.type === 'count' ? 'boolean' : 'string',
      // every flag may repeat: arrays collect, a repeated scalar takes its last value (kubectl)
      multiple: true,
      ...(o.short && { short: o.short }),
    };
  return config;
}

/** The flag's value as yargs would give it, or undefined where only yargs may decide. */
function valueOf(
  spec: CommandSpec['options'][string],
  given: string | boolean | (string | boolean)[],
): unknown {
  const all = Array.isArray(given) ? given : [given];
  if (spec.type === 'count') return all.length;
  // yargs refuses `--filename=` (nargs 1 with nothing after)
  if (spec.array) return all.includes('') ? undefined : all;
  const last = all[all.length - 1];
  if (spec.type === 'number')
    return typeof last === 'string' && /^\d+$/.test(last) ? Number(last) : undefined;
  if (spec.choices && !spec.choices.includes(String(last))) return undefined;
  return last;
}
