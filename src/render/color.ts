import type { Severity } from '../core/report/types.js';

export interface Paint {
  bold(s: string): string;
  severity(sev: Severity, s: string): string;
  dim(s: string): string;
}

const wrap = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;

/** ANSI styling, or none; whether to colour is decided by the CLI (--color, NO_COLOR, TTY). */
export function makePaint(color: boolean): Paint {
  if (!color) return { bold: (s) => s, severity: (_sev, s) => s, dim: (s) => s };
  const sev: Record<Severity, (s: string) => string> = {
    error: wrap('31'),
    warning: wrap('33'),
    info: wrap('36'),
  };
  return { bold: wrap('1'), severity: (s, t) => sev[s](t), dim: wrap('2') };
}
