import { formatTimestamp } from '../core/k8s/time.js';

/** 3214 → `3,214`. */
export const count = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Bytes in binary units with one decimal below 10 (`41 MiB`, `1.2 GiB`), as kubectl prints quantities. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const shown = i === 0 || v >= 10 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[i] ?? 'B'}`;
}

/** `0600`. */
export const mode = (perm: number) => perm.toString(8).padStart(4, '0');

/** A period in UTC: the date once, then the times (`2026-11-30 00:00:25–00:00:58 UTC`). */
export function period(from: number, to: number | null): string {
  const a = formatTimestamp(from);
  if (to === null) return `${a.slice(0, 10)} ${a.slice(11, 19)}– (still running) UTC`;
  const b = formatTimestamp(to);
  const tail =
    b.slice(0, 10) === a.slice(0, 10) ? b.slice(11, 19) : `${b.slice(0, 10)} ${b.slice(11, 19)}`;
  return `${a.slice(0, 10)} ${a.slice(11, 19)}–${tail} UTC`;
}
