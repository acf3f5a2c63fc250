import type { Deps } from '../commands/deps.js';

/**
 * One flag, declared once: the fast parser (node:util parseArgs), the yargs parser that renders
 * help and usage errors, and shell completion are all built from it.
 */
export interface OptionSpec {
  type: 'string' | 'boolean' | 'number' | 'count';
  /** One-letter shorthand, as kubectl's `-n`. */
  short?: string;
  /** Repeatable; each occurrence takes one value (kubectl's `-f a -f b`). */
  array?: boolean;
  default?: string | boolean | string[];
  choices?: readonly string[];
  describe: string;
  group?: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** Parsed flags by long name, plus the positional under its declared name. */
export type ParsedArgs = Record<string, unknown>;

export interface CommandSpec {
  name: string;
  describe: string;
  /** The one optional positional a command takes (`explain [target]`). */
  positional?: {
    name: string;
    describe: string;
    /** What it names, for completion: a namespace or a TYPE/NAME reference. */
    completes?: 'ns' | 'ref';
  };
  options: OptionTable;
  examples: [command: string, description: string][];
  /** Imports the command's module only when it runs, so one command never loads another's code. */
  run(args: ParsedArgs, deps: Deps): Promise<number>;
}
