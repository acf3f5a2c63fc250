import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';
import { adminRequest, applyYaml, kubeconfigPath, writeKubeconfig } from './harness/kube-api.js';
import { kopiaMoverYaml, sccRoleYaml } from './harness/volsync-objects.js';

const cp = inject('controlPlane');
const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, 'annotate'), [cp.users.admin], 'admin');
const run = (...argv: string[]) => runCliCaptured(argv, '', { KUBECONFIG: kubeconfig });
const privileged = 'volsync.backube/privileged-movers';
const scopedTo = 'volsync-perms.io/scoped-to';
/** Grant privileged movers to structurizr only, in `ns`. */
const scopedGrant = (ns: string) =>
  ['annotate', `ns/${ns}`, '--privileged', '--scoped', 'rs/structurizr', '--apply'] as const;

async function annotations(ns: string): Promise<Record<string, string>> {
  const r = await adminRequest(cp, 'GET', `/api/v1/namespaces/${ns}`);
  return (
    (JSON.parse(r.body) as { metadata: { annotations?: Record<string, string> } }).metadata
      .annotations ?? {}
  );
}

const roleExists = async (ns: string, name: string) =>
  (
    await adminRequest(
      cp,
      'GET',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/${name}`,
    )
  ).status === 200;

describe('annotate on a real API server', () => {
  beforeAll(async () => {
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: an-solo}\n---\n${kopiaMoverYaml('an-solo', 'structurizr')}`,
    );
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: an-shared}\n---\n${['structurizr', 'bookstack', 'immich'].map((n) => kopiaMoverYaml('an-shared', n)).join('')}`,
    );
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: an-owned}\n---\n${kopiaMoverYaml('an-owned', 'app')}`,
    );
  });

  it('--scoped on a namespace holding only that mover annotates it, records the scope, and the server-side dry run shows UID 0; a second run changes nothing', async () => {
    const r = await run(...scopedGrant('an-solo'));
    expect(r.code, r.stderr).toBe(0);
    expect(await annotations('an-solo')).toMatchObject({
      [privileged]: 'true',
      [scopedTo]: 'ReplicationSource/structurizr',
    });
    expect(r.stdout).toMatch(
      /rs\/structurizr: the API server admits it as 0:1000 capabilities CHOWN,DAC_OVERRIDE,FOWNER \(as planned\)/,
    );
    const again = await run(...scopedGrant('an-solo'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already as asked; nothing changed/);
    expect(again.stdout).toMatch(/unchanged/);
  });

  it('an unscoped grant that turns every mover root is refused without --all-movers, then applied and verified with it; removing it prunes the stale SCC Roles; each twice changes nothing', async () => {
    const refused = await run('annotate', 'ns/an-shared', '--privileged', '--apply');
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(
      /also alters ReplicationSource\/bookstack, .*pass --scoped .* or --all-movers/,
    );
    expect(await annotations('an-shared')).not.toHaveProperty(privileged);

    const grant = await run('annotate', 'ns/an-shared', '--privileged', '--all-movers', '--apply');
    expect(grant.code, grant.stderr).toBe(0);
    expect(grant.stdout.match(/admits it as 0:1000 .*\(as planned\)/g)).toHaveLength(3);
    expect(await annotations('an-shared')).toMatchObject({ [privileged]: 'true' });
    const grantAgain = await run(
      'annotate',
      'ns/an-shared',
      '--privileged',
      '--all-movers',
      '--apply',
    );
    expect(grantAgain.stderr).toMatch(/nothing changed/);

    // what VolSync's controller would have done meanwhile: the Roles get the SCC rule
    await applyYaml(
      cp,
      ['structurizr', 'bookstack', 'immich'].map((n) => sccRoleYaml('an-shared', n)).join(''),
    );
    const remove = await run(
      'annotate',
      'ns/an-shared',
      '--privileged=false',
      '--all-movers',
      '--prune-stale-grants',
      '--apply',
    );
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stdout).toMatch(
      /Role\/an-shared\/volsync-src-bookstack keeps a stale SCC use rule/,
    );
    expect(
      remove.stdout.match(/admits it as 1000:1000 capabilities - \(as planned\)/g),
    ).toHaveLength(3);
    expect(await annotations('an-shared')).not.toHaveProperty(privileged);
    expect(await roleExists('an-shared', 'volsync-src-bookstack')).toBe(false);
    const removeAgain = await run(
      'annotate',
      'ns/an-shared',
      '--privileged=false',
      '--all-movers',
      '--apply',
    );
    expect(removeAgain.code).toBe(0);
    expect(removeAgain.stderr).toMatch(/nothing changed/);
  });

  it('an annotation another field manager owns with another value is a refusal naming it, not an overwrite', async () => {
    const own = await adminRequest(
      cp,
      'PATCH',
      '/api/v1/namespaces/an-owned?fieldManager=kustomize-controller',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'an-owned', annotations: { [privileged]: 'false' } },
      },
      'application/apply-patch+yaml',
    );
    expect(own.status, own.body).toBe(200);
    const r = await run('annotate', 'ns/an-owned', '--privileged', '--all-movers', '--apply');
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/another field manager owns these annotations .*kustomize-controller/);
    expect(await annotations('an-owned')).toMatchObject({ [privileged]: 'false' });
  });
});
