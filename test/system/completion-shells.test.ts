import { spawnSync } from 'node:child_process';
import { delimiter, dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';

/** dist/ holds kubectl-volsync_perms (npm test builds it); its shebang needs this Node first. */
const path = [resolve('dist'), dirname(process.execPath), process.env['PATH'] ?? ''].join(
  delimiter,
);
// a server per test: a new session on a socket whose server is still exiting fails at random
let serverNo = 0;
const tmux = (...args: string[]) =>
  spawnSync('tmux', ['-L', `volsync-perms-complete-${process.pid}-${serverNo}`, ...args], {
    encoding: 'utf8',
  });

/** The screen once `expected` shows on it, or the last screen after 15 s. */
async function screenWith(expected: RegExp): Promise<string> {
  let screen = '';
  for (let i = 0; i < 75 && !expected.test(screen); i++) {
    await sleep(200);
    screen = tmux('capture-pane', '-p', '-t', 'sh').stdout;
  }
  return screen;
}

/** A real interactive shell in tmux, with the completion script loaded the way the README says. */
async function shell(command: string, setup: string): Promise<void> {
  const started = tmux(
    'new-session',
    '-d',
    '-s',
    'sh',
    '-x',
    '160',
    '-y',
    '40',
    `env -i HOME=/tmp TERM=xterm PATH='${path}' KUBECONFIG=/nonexistent ${command}`,
  );
  expect(started.status, started.stderr).toBe(0);
  tmux('send-keys', '-t', 'sh', '-l', '--', setup);
  tmux('send-keys', '-t', 'sh', 'Enter');
  tmux('send-keys', '-t', 'sh', '-l', '--', 'echo READY');
  tmux('send-keys', '-t', 'sh', 'Enter');
  await screenWith(/^READY$/m);
}

const type = (text: string) => {
  tmux('send-keys', '-t', 'sh', '-l', '--', text);
  tmux('send-keys', '-t', 'sh', 'Tab');
};

afterEach(() => {
  tmux('kill-server');
  serverNo++;
});

describe('completion in real interactive shells (tmux)', () => {
  it('zsh: completes the command, then a flag', async () => {
    await shell(
      'zsh -f',
      'autoload -U compinit && compinit -u && source <(kubectl-volsync_perms completion zsh)',
    );
    type('kubectl-volsync_perms expl');
    expect(await screenWith(/kubectl-volsync_perms explain\s*$/m)).toMatch(
      /kubectl-volsync_perms explain\s*$/m,
    );
    type('--col');
    expect(await screenWith(/explain --color\s*$/m)).toMatch(/explain --color\s*$/m);
  });

  it('fish: completes the command, then offers the TYPE/ prefixes of fix-job', async () => {
    await shell('fish --no-config', 'kubectl-volsync_perms completion fish | source');
    type('kubectl-volsync_perms fix-j');
    expect(await screenWith(/kubectl-volsync_perms fix-job\s*$/m)).toMatch(/fix-job\s*$/m);
    type('');
    const screen = await screenWith(/pvc\//);
    expect(screen).toMatch(/pvc\/\s+rd\/\s+rs\//);
  });

  it('bash: completes the command, then a flag value', async () => {
    await shell('bash --norc --noprofile', 'source <(kubectl-volsync_perms completion bash)');
    type('kubectl-volsync_perms annot');
    expect(await screenWith(/kubectl-volsync_perms annotate\s*$/m)).toMatch(/annotate\s*$/m);
    type('ns/x --policy-api v1b');
    expect(await screenWith(/--policy-api v1beta1\s*$/m)).toMatch(/--policy-api v1beta1\s*$/m);
  });
});
