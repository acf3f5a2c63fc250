import { describe, expect, inject, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import { kopiaMoverYaml } from './harness/volsync-objects.js';

const cp = inject('controlPlane');
const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'complete'), [cp.users.admin], 'admin');
/** As the shell asks: the words typed, then the one being completed (no --offline appended). */
const complete = (...words: string[]) =>
  runCliCaptured(['__complete', ...words], '', { KUBECONFIG: kubeconfig }, true);

describe('completion from a real API server', () => {
  it('completes namespaces, and the names of a type in the namespace typed with -n', async () => {
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: complete-me}\n---\n${kopiaMoverYaml('complete-me', 'wiki')}${kopiaMoverYaml('complete-me', 'photos')}`,
    );
    const ns = await complete('explain', 'ns/compl');
    expect(ns.stdout).toBe('ns/complete-me\n:4\n');
    const names = await complete('effective-uid', '-n', 'complete-me', 'rs/');
    expect(names.stdout).toBe('rs/photos\nrs/wiki\n:4\n');
    const scoped = await complete(
      'annotate',
      'ns/complete-me',
      '-n',
      'complete-me',
      '--scoped',
      'rs/wiki,rs/p',
    );
    expect(scoped.stdout).toBe('rs/wiki,rs/photos\n:4\n');
  });
});
