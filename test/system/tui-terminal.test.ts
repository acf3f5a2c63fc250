import { resolve } from 'node:path';
import { describe, it } from 'vitest';
import { runTuiScenario } from '../tui-scenario.js';

describe('the TUI in a real terminal (tmux, 80x24), npm build', () => {
  it('opens default, then bookstack at UID 0 because of the annotation; a flips it to 1000; q quits with 0 and gives the terminal back', async () => {
    // dist/ holds kubectl-volsync_perms (npm test builds it)
    await runTuiScenario(resolve('dist'), `volsync-perms-tui-${process.pid}`);
  });
});
