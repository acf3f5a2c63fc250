import { UsageError } from '../errors.js';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * kubectl's --request-timeout: a duration (`30s`, `1m`, `500ms`) or a bare number of seconds;
 * `0` waits forever, as in kubectl.
 */
export function parseRequestTimeout(v: string, flag = '--request-timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m)
    throw new UsageError(
      `${flag} ${JSON.stringify(v)}: not a duration; use e.g. 30s, 1m${flag === '--deadline' ? ' or 2h' : ' or 0 (no timeout)'}`,
    );
  return Math.round(Number(m[1]) * (units[m[2] ?? 's'] ?? 1000));
}
