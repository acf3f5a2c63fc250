/** The layers that decide a process identity, in the order they apply (DESIGN.md §5). */
export const layers = [
  'image',
  'pod',
  'container',
  'volsync',
  'kopiur',
  'admission',
  'runtime',
  'entrypoint',
  'storage',
] as const;
export type Layer = (typeof layers)[number];

export interface TraceStep {
  layer: Layer;
  field: string;
  value: number | string | boolean | number[] | string[] | null;
  effect: string;
  /** The rule that makes it so: a research section and upstream citation. */
  source: string;
}
