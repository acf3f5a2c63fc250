import { resolveAssets, startControlPlane } from '../../integration/harness/control-plane.js';
import type { OracleCase } from '../cases.js';
import type { OracleVersion } from '../versions.js';
import { createCases, readRecords, waitSettled, type CaseRecord } from './read-back.js';
import { installCrds, resolveVolsync, startVolsync } from './volsync-controller.js';

export interface VersionRun {
  records: CaseRecord[];
  /** Seconds: building the controller (0 when cached), and judging the cases. */
  buildSeconds: number;
  runSeconds: number;
}

/**
 * Judges `cases` with the real controller of `version`: a fresh etcd + kube-apiserver (so no
 * version's CRDs or objects leak into another's), its CRDs, the controller, every case at once.
 */
export async function runVersion(version: OracleVersion, cases: OracleCase[]): Promise<VersionRun> {
  const build = resolveVolsync(version);
  const started = performance.now();
  const cp = await startControlPlane(resolveAssets());
  try {
    await installCrds(cp, build);
    const controller = await startVolsync(cp, build);
    try {
      await createCases(cp, cases);
      await waitSettled(cp, cases);
      const records = await readRecords(cp, cases);
      return {
        records,
        buildSeconds: build.seconds,
        runSeconds: (performance.now() - started) / 1000,
      };
    } catch (e) {
      throw new Error(`${(e as Error).message}\ncontroller log:\n${controller.tail()}`);
    } finally {
      await controller.stop();
    }
  } finally {
    await cp.stop();
  }
}
