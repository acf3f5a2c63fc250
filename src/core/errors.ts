import type { Origin } from './k8s/object.js';

/** A manifest value that Kubernetes or VolSync would reject; `where` is the object and field path. */
export class InvalidSpecError extends Error {
  /** The manifest the object came from, when known. */
  origin?: Origin;

  constructor(
    readonly where: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'InvalidSpecError';
  }
}
