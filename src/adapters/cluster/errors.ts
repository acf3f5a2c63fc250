import { CliError } from '../../errors.js';

/** The cluster cannot be reached, refuses, or lacks VolSync: exit 4 (DESIGN.md §4). */
export class ClusterError extends CliError {
  constructor(message: string) {
    super(message, 4);
  }
}

/** A request the server refused with 403: recorded as a gap in the report, not fatal. */
export class ForbiddenError extends Error {
  constructor(
    readonly verb: string,
    readonly resource: string,
    readonly namespace: string | undefined,
    readonly serverMessage: string,
  ) {
    super(serverMessage);
    this.name = 'ForbiddenError';
  }

  /** The RBAC rule that would allow the request, as `kubectl auth can-i` spells it. */
  get permission(): string {
    return `${this.verb} ${this.resource}${this.namespace === undefined ? ' (all namespaces)' : ` in namespace ${this.namespace}`}`;
  }
}

/** RBAC refused a request a mutating command cannot do without: exit 4, naming the permission. */
export class AccessError extends ClusterError {}
