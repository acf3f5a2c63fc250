import { resolve } from 'node:path';
import { describe, it } from 'vitest';
import { runTuiScenario } from '../tui-scenario.js';

describe('the TUI of the standalone executable in a real terminal (tmux, 80x24)', () => {
  it('loads its Ink module from the executable and runs the same scenario as the npm build', async () => {
    await runTuiScenario(resolve('release/linux-amd64'), `volsync-perms-tui-sea-${process.pid}`);
  });
});
