import type { ResolveState } from './state.js';

export const kopiurLadder = 'kopiur.md §0 rule 3 (K:crates/api/src/common/mover.rs resolve_mover)';

/** The rung a field of a kopiur-built pod came from (`pod.fsGroup` → `kopiur hardened defaults`). */
export function originOf(s: ResolveState, field: string): string {
  const key = field.replace(/\.type$/, '');
  const o = s.input.kopiur?.folded.origins.find((x) => x.field === key);
  if (!o) return 'kopiur invariants';
  return o.hoisted ? `${o.from}, set on the container by kopiur` : o.from;
}
