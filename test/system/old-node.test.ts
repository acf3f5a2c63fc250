import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFloor } from '../../cmd/node-floor.js';

/**
 * kubectl runs the plugin with the first `node` on PATH (the npm build's shebang is
 * `/usr/bin/env node`). Real old Nodes from the npm registry (`node-<os>-<arch>`, the packages the
 * `node` devDependency installs from), cached in ~/.cache/volsync-perms/old-node/.
 */
function oldNode(version: string): string {
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  const dir = join(homedir(), '.cache', 'volsync-perms', 'old-node', `${pkg}@${version}`);
  if (existsSync(join(dir, exe))) return join(dir, exe);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  const tgz = execFileSync(
    'npm',
    ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', tmp],
    {
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', [
    '-xzf',
    join(tmp, tgz ?? ''),
    '-C',
    tmp,
    '--strip-components=2',
    `package/bin/${exe}`,
  ]);
  rmSync(join(tmp, tgz ?? ''));
  renameSync(tmp, dir);
  return join(dir, exe);
}

const bin = resolve('dist/kubectl-volsync_perms');

/** Runs the npm build the way kubectl does: by its shebang, `node` found on PATH. */
function run(node: string, args: string[], viaKubectl = false) {
  const path = [dirname(node), resolve('dist'), process.env['PATH'] ?? ''].join(delimiter);
  const env = {
    PATH: path,
    HOME: process.env['HOME'] ?? '/tmp',
    KUBECONFIG: '/nonexistent',
    NO_COLOR: '1',
  };
  const r = viaKubectl
    ? spawnSync('kubectl', ['volsync-perms', ...args], { env, encoding: 'utf8' })
    : spawnSync(bin, args, { env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const floor = nodeFloor.join('.');
const { version: ours } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('the npm build on the Node first on PATH', () => {
  // Ubuntu 22.04's apt Node (no extensionless ES modules, no `??`), the Node of the report, and
  // the first Node 22, whose node:module has no enableCompileCache and whose fetch undici cannot use
  it.each(['12.22.9', '20.20.2', '22.0.0'])(
    'Node %s: one line naming it and the Node needed, exit 7, for every command',
    (version) => {
      const node = oldNode(version);
      for (const args of [['version'], ['explain', '--demo'], ['explain', 'ns/default']]) {
        const r = run(node, args);
        expect(r.stderr).toBe(
          `error: node v${version} (${node}): kubectl-volsync_perms needs Node.js ${floor} or newer; put a newer node first on PATH\n`,
        );
        expect([r.code, r.stdout]).toEqual([7, '']);
      }
    },
  );

  it('Node 20 through the real kubectl: the same line, and kubectl passes exit 7 on', () => {
    const node = oldNode('20.20.2');
    const r = run(node, ['version'], true);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: node v20\\.20\\.2 \\(.*\\): kubectl-volsync_perms needs Node\\.js ${floor.replaceAll('.', '\\.')} or newer`,
      ),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(7);
  });

  it(`Node ${floor}, the floor: every command runs, the cluster client included`, () => {
    const node = oldNode(floor);
    expect(run(node, ['version'])).toEqual({
      code: 0,
      stdout: `kubectl-volsync_perms ${ours}\n`,
      stderr: '',
    });
    const demo = run(node, ['explain', '--demo']);
    expect([demo.code, demo.stderr]).toEqual([0, '']);
    expect(demo.stdout).toMatch(/^rs\/bookstack\s+kopia\s+yes\s+0:1000/m);
    // the cluster client (undici inside) loads before the kubeconfig is looked for
    const live = run(node, ['explain', 'ns/default']);
    expect([live.code, live.stderr]).toEqual([
      4,
      expect.stringMatching(/^error: kubeconfig: none found/),
    ]);
  });
});
