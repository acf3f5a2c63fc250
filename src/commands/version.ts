import { version } from '../version.js';
import { write, type Deps } from './deps.js';
import { validateOutput, type GlobalArgs } from './global-options.js';

export function runVersion(a: GlobalArgs, deps: Deps): number {
  validateOutput(a.output, ['table', 'wide', 'json', 'yaml']);
  if (a.output === 'json') write(deps.stdout, JSON.stringify({ version }, null, 2) + '\n');
  else if (a.output === 'yaml') write(deps.stdout, `version: ${version}\n`);
  else write(deps.stdout, `kubectl-volsync_perms ${version}\n`);
  return 0;
}
