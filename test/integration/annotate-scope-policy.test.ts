import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliCaptured } from '../run-cli.js';
import { resolveAssets, startControlPlane, type ControlPlane } from './harness/control-plane.js';
import {
  adminRequest,
  applyYaml,
  kubeconfigPath,
  writeKubeconfig,
  type ApiServer,
} from './harness/kube-api.js';
import { kopiaMoverYaml } from './harness/volsync-objects.js';

const privileged = 'volsync.backube/privileged-movers';
const scopedTo = 'volsync-perms.io/scoped-to';
const apps = ['bookstack', 'immich', 'opencloud', 'pocket-id', 'structurizr'];
const others = apps.filter((a) => a !== 'structurizr');

/** The incident of DESIGN.md §1: five kopia movers at 1000:1000 in one namespace. */
function incident(ns: string, annotations: Record<string, string> = {}): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, annotations: ${JSON.stringify(annotations)}}\n---\n${apps.map((a) => kopiaMoverYaml(ns, a)).join('')}`;
}

function cli(cp: ApiServer, name: string) {
  const kubeconfig = writeKubeconfig(cp, kubeconfigPath(cp, name), [cp.users.admin], 'admin');
  return (...argv: string[]) => runCliCaptured(argv, '', { KUBECONFIG: kubeconfig });
}

async function annotations(cp: ApiServer, ns: string): Promise<Record<string, string>> {
  const r = await adminRequest(cp, 'GET', `/api/v1/namespaces/${ns}`);
  return (
    (JSON.parse(r.body) as { metadata: { annotations?: Record<string, string> } }).metadata
      .annotations ?? {}
  );
}

async function policyNames(cp: ApiServer, plural: string): Promise<string[]> {
  const r = await adminRequest(cp, 'GET', `/apis/admissionregistration.k8s.io/v1/${plural}`);
  if (r.status === 404) return [];
  return (JSON.parse(r.body) as { items: { metadata: { name: string } }[] }).items.map(
    (i) => i.metadata.name,
  );
}

const grantLine = (name: string) =>
  new RegExp(
    `rs/${name}: the API server admits it as 0:1000 capabilities CHOWN,DAC_OVERRIDE,FOWNER \\(as planned\\)`,
  );
const keptLine = (name: string, how: string) =>
  new RegExp(`rs/${name}: the API server admits it as 1000:1000 capabilities - \\(${how}\\)`);

describe('annotate --scoped with a MutatingAdmissionPolicy (Kubernetes 1.36)', () => {
  const cp = inject('controlPlane');
  const run = cli(cp, 'scope-policy');
  const ns = 'incident';
  const scoped = ['annotate', `ns/${ns}`, '--privileged', '--scoped', 'rs/structurizr'];

  beforeAll(async () => {
    await applyYaml(cp, incident(ns));
  });

  it('scoped to rs/structurizr: the dry run admits structurizr at UID 0 and the four others at 1000 with no capabilities; a second run changes nothing', async () => {
    const r = await run(...scoped, '--apply');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/MutatingAdmissionPolicy \(v1\)/);
    expect(r.stdout).toMatch(grantLine('structurizr'));
    for (const o of others) expect(r.stdout).toMatch(keptLine(o, 'unchanged'));
    expect(await annotations(cp, ns)).toMatchObject({
      [privileged]: 'true',
      [scopedTo]: 'ReplicationSource/structurizr',
    });
    expect(await policyNames(cp, 'mutatingadmissionpolicies')).toContain(
      'volsync-perms-scope-incident',
    );

    const again = await run(...scoped, '--apply');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already as asked; nothing changed/);
    expect(again.stderr).not.toMatch(/applied|annotated|deleted/);
    expect(again.stdout).toMatch(/nothing to write/);
  });

  it('explain reads the policy back: the model gives the same identities as the server, and a mover added later is flagged (VP018)', async () => {
    const model = await run('explain', `ns/${ns}`, '-o', 'json');
    expect(model.code, model.stderr).toBe(0);
    const report = JSON.parse(model.stdout) as {
      subjects: { name: string; containers: { identity: { uid: number } }[] }[];
    };
    expect(
      Object.fromEntries(report.subjects.map((s) => [s.name, s.containers[0]?.identity.uid])),
    ).toEqual({
      bookstack: 1000,
      immich: 1000,
      opencloud: 1000,
      'pocket-id': 1000,
      structurizr: 0,
    });
    await applyYaml(
      cp,
      incident(ns).split('---\n').slice(1, 2).join('').replaceAll('bookstack', 'wiki'),
    );
    const later = await run('explain', `ns/${ns}`, '--server-dry-run');
    expect(later.stdout).toMatch(/VP018.*ReplicationSource\/wiki runs privileged/s);
    await adminRequest(
      cp,
      'DELETE',
      `/apis/volsync.backube/v1alpha1/namespaces/${ns}/replicationsources/wiki`,
    );
  });

  it('removing the grant deletes the policy and restores every mover; a second run changes nothing', async () => {
    const remove = ['annotate', `ns/${ns}`, '--privileged=false', '--all-movers', '--apply'];
    const r = await run(...remove);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /mutatingadmissionpolicy.admissionregistration.k8s.io\/volsync-perms-scope-incident deleted/,
    );
    for (const o of others) expect(r.stdout).toMatch(keptLine(o, 'unchanged'));
    expect(r.stdout).toMatch(keptLine('structurizr', 'as planned'));
    expect(await annotations(cp, ns)).not.toHaveProperty(privileged);
    expect(await annotations(cp, ns)).not.toHaveProperty(scopedTo);
    expect(await policyNames(cp, 'mutatingadmissionpolicies')).not.toContain(
      'volsync-perms-scope-incident',
    );
    expect(await policyNames(cp, 'mutatingadmissionpolicybindings')).not.toContain(
      'volsync-perms-scope-incident-jobs',
    );
    const again = await run(...remove);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing changed/);
  });
});

describe('a scope record removed by hand', () => {
  const cp = inject('controlPlane');
  const run = cli(cp, 'scope-by-hand');
  const ns = 'by-hand';

  it('annotate still finds the policy it wrote, and removing the grant deletes it', async () => {
    await applyYaml(cp, incident(ns));
    const grant = await run(
      'annotate',
      `ns/${ns}`,
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '--apply',
    );
    expect(grant.code, grant.stderr).toBe(0);
    // someone drops both annotations with kubectl; the policy stays behind
    const patch = await adminRequest(
      cp,
      'PATCH',
      `/api/v1/namespaces/${ns}`,
      { metadata: { annotations: { [privileged]: null, [scopedTo]: null } } },
      'application/merge-patch+json',
    );
    expect(patch.status, patch.body).toBe(200);
    const r = await run('annotate', `ns/${ns}`, '--privileged=false', '--all-movers', '--apply');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /mutatingadmissionpolicy.admissionregistration.k8s.io\/volsync-perms-scope-by-hand deleted/,
    );
    expect(await policyNames(cp, 'mutatingadmissionpolicies')).not.toContain(
      'volsync-perms-scope-by-hand',
    );
  });
});

describe('annotate --scoped on a server without MutatingAdmissionPolicy', () => {
  let cp: ControlPlane;
  let run: ReturnType<typeof cli>;
  const ns = 'incident';
  const scoped = ['annotate', `ns/${ns}`, '--privileged', '--scoped', 'rs/structurizr'];

  beforeAll(async () => {
    // a cluster without the API: its resources off, and its admission plugin, which would
    // otherwise wait forever for them
    cp = await startControlPlane(resolveAssets(), [
      '--disable-admission-plugins=ServiceAccount,MutatingAdmissionPolicy',
      '--runtime-config=admissionregistration.k8s.io/v1/mutatingadmissionpolicies=false,admissionregistration.k8s.io/v1/mutatingadmissionpolicybindings=false',
    ]);
    await applyYaml(cp, readFileSync('test/fixtures/crds/volsync.yaml', 'utf8'));
    await applyYaml(cp, incident(ns));
    run = cli(cp, 'no-map');
  }, 120_000);
  afterAll(async () => {
    await cp.stop();
  });

  it('refuses with the namespace-split plan and writes nothing, twice', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await run(...scoped, '--apply');
      expect(r.code).toBe(6);
      expect(r.stdout).toMatch(/serves no MutatingAdmissionPolicy/);
      expect(r.stdout).toMatch(
        /split the namespace:\n {2}1\. kubectl create namespace incident-privileged/,
      );
      expect(await annotations(cp, ns)).not.toHaveProperty(privileged);
    }
  });

  it('--deny-others writes a ValidatingAdmissionPolicy: the dry run rejects the four others and admits structurizr at UID 0; twice changes nothing; removing restores', async () => {
    const r = await run(...scoped, '--deny-others', '--apply');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(grantLine('structurizr'));
    for (const o of others)
      expect(r.stdout).toMatch(
        new RegExp(
          `rs/${o}: rejected by the API server, as planned: .*volsync-perms-deny-incident`,
        ),
      );
    const again = await run(...scoped, '--deny-others', '--apply');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing changed/);

    const removed = await run(
      'annotate',
      `ns/${ns}`,
      '--privileged=false',
      '--all-movers',
      '--apply',
    );
    expect(removed.code, removed.stderr).toBe(0);
    for (const o of apps)
      expect(removed.stdout).toMatch(new RegExp(`rs/${o}: the API server admits it as 1000:1000`));
    expect(await policyNames(cp, 'validatingadmissionpolicies')).toEqual([]);
  });
});
