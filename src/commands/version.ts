import type { CommandModule } from 'yargs';
import { version } from '../version.js';
import { write, type Deps } from './deps.js';
import { validateOutput, type GlobalArgs } from './global-options.js';
import type { Chosen } from './chosen.js';

export function runVersion(a: GlobalArgs, deps: Deps): number {
  validateOutput(a.output, ['table', 'wide', 'json', 'yaml']);
  if (a.output === 'json') write(deps.stdout, JSON.stringify({ version }, null, 2) + '\n');
  else if (a.output === 'yaml') write(deps.stdout, `version: ${version}\n`);
  else write(deps.stdout, `kubectl-volsync_perms ${version}\n`);
  return 0;
}

export function versionCommand(chosen: Chosen, deps: Deps): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'version',
    describe: 'Print the plugin version',
    handler: (a) => {
      chosen.set(() => Promise.resolve(runVersion(a, deps)));
    },
  };
}
