import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demoManifests } from '../../src/adapters/manifests/demo-manifests.js';
import { runCliCaptured } from '../run-cli.js';
import { applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';

const cp = inject('controlPlane');
const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'dry-run'), [cp.users.admin], 'admin');
const run = (...argv: string[]) => runCliCaptured(argv, '', { KUBECONFIG: kubeconfig });

interface Report {
  subjects: {
    name: string;
    containers: { trace: { layer: string; effect: string }[] }[];
    findings: { code: string; message: string }[];
  }[];
}

describe('--server-dry-run: the real admission chain decides', () => {
  beforeAll(async () => {
    await applyYaml(cp, demoManifests);
  });

  it('the real Pod Security admission rejects the privileged mover of a restricted namespace, in its own words', async () => {
    const r = await run('explain', 'ns/secure', '--server-dry-run', '-o', 'json');
    expect(r.code).toBe(0);
    const vault = (JSON.parse(r.stdout) as Report).subjects.find((s) => s.name === 'vault');
    const vp009 = vault?.findings.find((f) => f.code === 'VP009');
    expect(vp009?.message).toMatch(
      /the API server rejects it \(server-side dry run\): .*violates PodSecurity "restricted:latest"/,
    );
    expect(vault?.containers[0]?.trace.at(-1)).toMatchObject({ layer: 'admission' });
  });

  it('an admitted mover pod confirms the prediction as the last admission step', async () => {
    const r = await run('effective-uid', 'rs/bookstack', '--server-dry-run', '-o', 'json');
    const s = (JSON.parse(r.stdout) as Report).subjects[0];
    // the storage layer follows: what the NFS repository does to that identity
    const trace = s?.containers[0]?.trace ?? [];
    const last = trace.filter((t) => t.layer !== 'storage').at(-1);
    expect(trace.at(-1)?.layer).toBe('storage');
    expect(last?.layer).toBe('admission');
    expect(last?.effect).toMatch(
      /API server admits the predicted pod .* agrees with the prediction/,
    );
    expect(s?.findings.map((f) => f.code)).not.toContain('VP016');
  });

  it('is refused with offline sources (usage, exit 2)', async () => {
    const r = await run('explain', '--demo', '--server-dry-run');
    expect(r.code).toBe(2);
  });
});
