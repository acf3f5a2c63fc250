/**
 * A plan (fix-job, annotate) that cannot be made: `usage` (the request lacks something, exit 2), `input` (the
 * object is missing or unusable, exit 3) or `refused` (the cluster state forbids it, exit 6).
 */
export class PlanRefused extends Error {
  constructor(
    readonly kind: 'usage' | 'input' | 'refused',
    message: string,
  ) {
    super(message);
    this.name = 'PlanRefused';
  }
}
