import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveAssets, startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { applyYaml } from './harness/kube-api.js';

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: Omit<ControlPlane, 'stop'>;
  }
}

let cp: ControlPlane | undefined;

/**
 * One real etcd + kube-apiserver for the integration suite, with the VolSync CRDs and kopiur's
 * (the demo has a kopiur namespace) installed.
 */
export async function setup(project: TestProject): Promise<void> {
  const started = performance.now();
  const assets = resolveAssets();
  const built = performance.now();
  cp = await startControlPlane(assets);
  await applyYaml(cp, readFileSync('test/fixtures/crds/volsync.yaml', 'utf8'));
  await applyYaml(cp, readFileSync('test/fixtures/cluster/volsync-controller.yaml', 'utf8'));
  const kopiurCrds = 'test/fixtures/crds/kopiur';
  for (const f of readdirSync(kopiurCrds).filter((x) => x.endsWith('.yaml')))
    await applyYaml(cp, readFileSync(join(kopiurCrds, f), 'utf8'));
  // a CRD serves its kind a moment after it is created
  await new Promise((r) => setTimeout(r, 2000));
  project.provide('controlPlane', {
    server: cp.server,
    caFile: cp.caFile,
    users: cp.users,
    dir: cp.dir,
  });
  process.stderr.write(
    `control plane: assets ${((built - started) / 1000).toFixed(1)} s, start ${((performance.now() - built) / 1000).toFixed(1)} s (${cp.server})\n`,
  );
}

export async function teardown(): Promise<void> {
  await cp?.stop();
}
