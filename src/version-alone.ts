import { version } from './version.js';

/**
 * `version` alone needs nothing else: both entries (the npm build and the standalone
 * executable's loader) answer it before loading the CLI, the one command a plugin user times.
 */
export function answeredAlone(args: string[]): boolean {
  if (args.length !== 1 || args[0] !== 'version') return false;
  process.stdout.write(`kubectl-volsync_perms ${version}\n`);
  return true;
}
