/** Errors that end a command, each with its exit code (DESIGN.md §4). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags or arguments: exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Malformed, unknown or invalid input: exit 3. The message is `<object>: <problem>; <fix>`. */
export class InputError extends CliError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** A change the tool will not make as asked (the cluster state forbids it): exit 6. */
export class ApplyRefused extends CliError {
  constructor(message: string) {
    super(message, 6);
  }
}

export const exitCodes = {
  ok: 0,
  findings: 1,
  usage: 2,
  input: 3,
  cluster: 4,
  registry: 5,
  applyRefused: 6,
  internal: 7,
  interrupted: 130,
} as const;
