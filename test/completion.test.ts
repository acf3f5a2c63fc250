import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** dist/ holds kubectl-volsync_perms (npm test builds it); its shebang needs this Node first. */
const path = [resolve('dist'), dirname(process.execPath), process.env['PATH'] ?? ''].join(
  delimiter,
);

function sh(cmd: string, args: string[], extraPath = '') {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { PATH: extraPath ? `${extraPath}${delimiter}${path}` : path, KUBECONFIG: '/nonexistent' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('completion in a real bash', () => {
  const complete = (...words: string[]) =>
    sh('bash', [
      '-c',
      `source <(kubectl-volsync_perms completion bash)
       COMP_WORDS=(kubectl-volsync_perms ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}
       _kubectl_volsync_perms 2>/dev/null; printf '%s\\n' "\${COMPREPLY[@]}"; complete -p kubectl-volsync_perms`,
    ]);

  it('completes commands, TYPE/ prefixes and flag values, and registers for the binary', () => {
    const commands = complete('e');
    expect(commands.stdout.split('\n').slice(0, 2)).toEqual(['explain', 'effective-uid']);
    expect(commands.stdout).toContain(
      'complete -o default -F _kubectl_volsync_perms kubectl-volsync_perms',
    );
    expect(complete('fix-job', '').stdout.split('\n').slice(0, 3)).toEqual(['rs/', 'rd/', 'pvc/']);
    expect(complete('explain', '--color', 'a').stdout.split('\n').slice(0, 2)).toEqual([
      'auto',
      'always',
    ]);
  });

  it('completes nothing, quickly and silently, when no cluster is reachable', () => {
    const r = complete('explain', '');
    expect(r.code).toBe(0);
    // printf prints one empty line for an empty COMPREPLY
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      '',
      'complete -o default -F _kubectl_volsync_perms kubectl-volsync_perms',
    ]);
  });
});

describe('completion through the real kubectl (>= 1.26 calls kubectl_complete-volsync_perms)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volsync-perms-complete-'));
  const script = join(dir, 'kubectl_complete-volsync_perms');
  writeFileSync(script, sh('kubectl-volsync_perms', ['completion', 'kubectl']).stdout);
  chmodSync(script, 0o755);

  it('kubectl asks the script and passes on its candidates and directive', () => {
    const r = sh('kubectl', ['__complete', 'volsync-perms', 'annotate', 'ns/x', '--pol'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('--policy-api\n:4\n');
    const values = sh('kubectl', ['__complete', 'volsync-perms', 'fix-job', '--volume', ''], dir);
    expect(values.stdout).toBe('data\nrepository\ncache\n:4\n');
  });
});
