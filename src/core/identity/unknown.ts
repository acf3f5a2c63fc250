/** A fact the tool could not know, what it is needed for, and what would make it known. */
/** Each unknown once (same fact, same dependency), first occurrence first. */
export function distinctUnknowns(list: Iterable<Unknown>): Unknown[] {
  const seen = new Set<string>();
  const out: Unknown[] = [];
  for (const u of list) {
    const k = `${u.what}\u0000${u.dependsOn}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(u);
  }
  return out;
}

export interface Unknown {
  what: string;
  reason: string;
  dependsOn: string;
  /**
   * The objects (`Kind/namespace/name`) it is about, when it is not about the whole input: a
   * report shows it only with one of them. Not part of the JSON contract.
   */
  about?: string[];
}
