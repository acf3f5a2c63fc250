export function generateMovers(
  dir: string,
  namespaces: number,
  movers: number,
  options?: { unique?: boolean },
): void;
