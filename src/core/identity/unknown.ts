/** A fact the tool could not know, what it is needed for, and what would make it known. */
export interface Unknown {
  what: string;
  reason: string;
  dependsOn: string;
}
