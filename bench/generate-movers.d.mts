export function generateMovers(dir: string, namespaces: number, movers: number): void;
