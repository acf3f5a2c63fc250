/**
 * The oldest Node the CLI runs on: the highest `engines.node` of its production dependencies
 * (undici, which client-node reads clusters with, declares >=22.19.0; below it the first cluster
 * read fails inside undici). test/node-floor.test.ts keeps it in step with node_modules.
 */
export const nodeFloor = [22, 19, 0] as const;

/** Whether a `process.versions.node` string is at least the floor. */
export function meetsNodeFloor(version: string): boolean {
  const v = version.split('.').map(Number);
  for (const [i, need] of nodeFloor.entries()) {
    const have = v[i] ?? 0;
    if (have !== need) return have > need;
  }
  return true;
}
