/** The identity of a container's first process (DESIGN.md §5); null = unknown, explained in the trace. */
export interface Identity {
  uid: number | null;
  gid: number | null;
  /** Every group the process holds, primary included, sorted. */
  supplementalGroups: number[] | null;
  fsGroup: number | null;
  /** Effective capabilities, sorted; empty for a non-zero UID. */
  capabilities: string[] | null;
  runsAsRoot: boolean | null;
  /** The process may hold groups beyond supplementalGroups (an unknown primary GID or /etc/group). */
  groupsIncomplete?: true;
  /** fsGroup is null because a layer the input cannot read may set it, not because none is set. */
  fsGroupUnknown?: true;
}
