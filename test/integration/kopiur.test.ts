import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';
import { resolveAssets, startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';

/**
 * kopiur's own CRDs (0.4.3, test/fixtures/crds/kopiur/) on a real kube-apiserver of its own, so
 * the other suites' clusters stay VolSync-only; objects created through the API, read back by
 * explain and effective-uid.
 */
let cp: ControlPlane | undefined;
let kubeconfig = '';

type Report = {
  subjects: {
    kind: string;
    namespace: string;
    name: string;
    containers: { identity: { uid: number | null; gid: number | null } }[];
    findings: { code: string; message: string }[];
  }[];
};

const live = (argv: string[]) =>
  runCliCaptured([...argv, '--offline'], '', { KUBECONFIG: kubeconfig });

beforeAll(async () => {
  cp = await startControlPlane(resolveAssets());
  const dir = 'test/fixtures/crds/kopiur';
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')))
    await applyYaml(cp, readFileSync(join(dir, f), 'utf8'));
  // a CRD serves its kind a moment after it is created
  await new Promise((r) => setTimeout(r, 2000));
  await applyYaml(cp, readFileSync('test/fixtures/cluster/kopiur-objects.yaml', 'utf8'));
  kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'kopiur-admin'), [cp.users.admin], 'admin');
}, 600_000);

afterAll(async () => {
  await cp?.stop();
});

describe('kopiur on a real kube-apiserver (no VolSync API)', () => {
  it('explain reads the kopiur objects kopiur CRDs serve, with the repository the policies name', async () => {
    const r = await live(['explain', '-n', 'kopiur-media', '-o', 'json']);
    expect(r.stderr).not.toContain('error:');
    expect(r.code).toBe(0);
    const subjects = (JSON.parse(r.stdout) as Report).subjects;
    expect(subjects.map((s) => `${s.kind}/${s.name}`)).toEqual([
      'ClusterRepository/nas',
      'Job/nas-bootstrap',
      'SnapshotPolicy/matter',
      'SnapshotPolicy/sonarr',
    ]);
    const by = (name: string) => subjects.find((s) => s.name === name);
    // 0.10.8 is assumed: the policy's pod runAsUser beats moverDefaults' container 568
    expect(by('sonarr')?.containers[0]?.identity).toMatchObject({ uid: 1000, gid: 1000 });
    // the managed maintenance: hardened ⊂ moverDefaults
    expect(by('nas')?.containers[0]?.identity).toMatchObject({ uid: 568, gid: 568 });
    // the bootstrap Job: hardened ⊂ moverDefaults too, in the password Secret's namespace
    expect(by('nas-bootstrap')?.containers[0]?.identity).toMatchObject({ uid: 568, gid: 568 });
    // "True" does not open kopiur's gate; root without DAC capabilities
    expect(by('matter')?.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['VP027', 'VP028']),
    );
  });

  it('--kopiur-version 0.8.2: the moverDefaults container runAsUser 568 shadows the policy pod runAsUser 1000, and the pod a newer kopiur built (1000) is VP016', async () => {
    const r = await live([
      'effective-uid',
      'snapshotpolicy/sonarr',
      '-n',
      'kopiur-media',
      '--kopiur-version',
      '0.8.2',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const s = (JSON.parse(r.stdout) as Report).subjects[0];
    expect(r.stdout).toMatch(/merges field by field: the container runAsUser 568 of/);
    expect(s?.findings.find((f) => f.code === 'VP016')?.message).toContain(
      'Pod/kopiur-media/sonarr-manual-x7k2p runs with uid 568 → 1000',
    );
  });

  it('a kopiur mover pod given as an object is explained as the SnapshotPolicy its config label names, as predicted', async () => {
    const r = await live([
      'effective-uid',
      'pod/sonarr-manual-x7k2p',
      '-n',
      'kopiur-media',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const s = (JSON.parse(r.stdout) as Report).subjects[0];
    expect(s?.kind).toBe('SnapshotPolicy');
    expect(s?.containers[0]?.identity).toMatchObject({ uid: 1000, gid: 1000 });
    expect(s?.findings.map((f) => f.code)).not.toContain('VP016');
    expect(r.stdout).toContain('then compared with this pod');
  });

  it("the bootstrap Job's pod, given as an object, is the observation of job/nas-bootstrap, as predicted", async () => {
    const r = await live([
      'effective-uid',
      'job/nas-bootstrap',
      '-n',
      'kopiur-media',
      '-o',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = (JSON.parse(r.stdout) as Report).subjects[0];
    expect(s?.containers[0]?.identity).toMatchObject({ uid: 568, gid: 568 });
    expect(s?.findings.map((f) => f.code)).not.toContain('VP025');
    expect(r.stdout).toContain('Pod/kopiur-media/nas-bootstrap-q8w4z');
  });
});
