import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { InvalidSpecError } from '../core/errors.js';
import type { AuditSummary } from '../core/storage/audit-summary.js';
import { parseAuditLog } from '../core/storage/parse-audit-log.js';
import { InputError } from '../errors.js';
import type { Deps } from './deps.js';

/** An audit's log as saved by `kubectl logs job/NAME > FILE` (`-` = stdin), parsed; exit 3 if not one. */
export async function readAuditLog(file: string, flag: string, deps: Deps): Promise<AuditSummary> {
  let log: string;
  try {
    log = file === '-' ? await text(deps.stdin) : await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(
      `${flag} ${file}: cannot read it (${code}); pass the file kubectl logs job/NAME wrote`,
    );
  }
  return parseAuditText(log, file === '-' ? '<stdin>' : file);
}

export function parseAuditText(log: string, source: string): AuditSummary {
  try {
    return parseAuditLog(log, source);
  } catch (e) {
    if (e instanceof InvalidSpecError) throw new InputError(`${e.where}: ${e.problem}; ${e.fix}`);
    throw e;
  }
}
