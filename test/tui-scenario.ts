import { spawnSync } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';

/**
 * The real-terminal scenario, in tmux at 80x24, on the executable named
 * `kubectl-volsync_perms` in `binDir`: open default, then bookstack at UID 0 because of the
 * annotation; `a` flips it to 1000; `q` quits with 0 and the terminal is given back. On the way,
 * the terminal is narrowed and widened again, and the table follows. Keys are sent as a paste
 * and scripts send them, several in one read: `/`, a name and Enter in one send-keys, and a
 * bracketed paste (tmux paste-buffer -p) that goes into the filter, and is no command elsewhere.
 */
export async function runTuiScenario(binDir: string, socket: string): Promise<void> {
  const path = [binDir, dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter);
  const tmux = (...args: string[]) =>
    spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const keys = (...k: string[]) => tmux('send-keys', '-t', 'tui', ...k);
  const text = (t: string) => tmux('send-keys', '-t', 'tui', '-l', '--', t);
  /** Pasted as the terminal pastes: bracketed, since the TUI asks for it. */
  const paste = (t: string) => {
    tmux('set-buffer', '-b', 'paste', '--', t);
    return tmux('paste-buffer', '-p', '-d', '-b', 'paste', '-t', 'tui');
  };
  /** The screen once `expected` shows on it; fails with the last screen after 15 s. */
  const screenWith = async (expected: RegExp): Promise<string> => {
    let s = '';
    for (let i = 0; i < 75; i++) {
      s = tmux('capture-pane', '-p', '-t', 'tui').stdout;
      if (expected.test(s)) return s;
      await sleep(200);
    }
    throw new Error(`${expected} never showed; the screen:\n${s}`);
  };
  try {
    // a clean environment: no CI variable (Ink would not draw), no kubeconfig
    const started = tmux(
      'new-session',
      '-d',
      '-s',
      'tui',
      '-x',
      '80',
      '-y',
      '24',
      `env -i HOME=/tmp TERM=xterm-256color PATH='${path}' KUBECONFIG=/nonexistent bash --norc --noprofile`,
    );
    expect(started.status, started.stderr).toBe(0);
    text('echo BEFORE-THE-TUI');
    keys('Enter');
    await screenWith(/^BEFORE-THE-TUI$/m);
    text('kubectl-volsync_perms tui --demo');
    keys('Enter');
    await screenWith(/NAMESPACE\s+MOVERS/);
    // one send-keys, one write: the TUI reads `/default\r` at once (the report)
    keys('/', 'default', 'Enter');
    const filtered = await screenWith(/^> default .*\n(?:\s*\n)*Enter open/m);
    expect(filtered).not.toMatch(/media|nothing matches/);
    keys('Enter');
    await screenWith(/rs\/bookstack/);
    // a narrower terminal: the table follows, its widest column gives way first
    tmux('resize-window', '-t', 'tui', '-x', '60', '-y', '20');
    const narrow = await screenWith(/CAPABI…/);
    expect(Math.max(...narrow.split('\n').map((l) => l.trimEnd().length))).toBeLessThanOrEqual(60);
    tmux('resize-window', '-t', 'tui', '-x', '80', '-y', '24');
    await screenWith(/CAPABILITIES/);
    text('/');
    await screenWith(/^\/▏/m);
    expect(paste('rs/bookstack').status).toBe(0);
    const pasted = await screenWith(/^\/rs\/bookstack▏/m);
    expect(pasted).not.toMatch(/rs\/immich/);
    // Enter keeps the filter, the second opens the one mover left: read against the filtered list
    keys('Enter', 'Enter');
    const detail = await screenWith(/^UID 0 /m);
    expect(detail).toMatch(
      /cause: volsync: Namespace\/default annotation volsync\.backube\/privileged-mover/,
    );
    text('a');
    const flipped = await screenWith(/^UID 1000 /m);
    expect(flipped).toMatch(/WHAT-IF, not in the input: annotation removed/);
    // pasted, q and r are no commands: the help opened after them, the what-if is still there
    paste('qr');
    text('?');
    await screenWith(/^Keys$/m);
    keys('Escape');
    const still = await screenWith(/^UID 1000 /m);
    expect(still).toMatch(/WHAT-IF, not in the input: annotation removed/);
    text('q');
    // typed before the TUI has let go of the terminal, the next command would be its input
    await screenWith(/^bash-[\d.]+#\s*$/m);
    text('echo EXIT=$?');
    keys('Enter');
    const after = await screenWith(/^EXIT=\d+$/m);
    expect(after).toMatch(/^EXIT=0$/m);
    // the alternate screen is gone: what was there before is back, the TUI is not
    expect(after).toMatch(/^BEFORE-THE-TUI$/m);
    expect(after).not.toMatch(/volsync-perms ·/);
  } finally {
    tmux('kill-server');
  }
}
