import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMoverPod } from '../../src/core/volsync/build-mover-pod.js';
import type { MoverSpec } from '../../src/core/volsync/mover-spec.js';
import type { MoverType } from '../../src/core/volsync/movers.js';
import { podManifest } from '../../src/core/volsync/pod-manifest.js';
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

interface DryRunContainer {
  securityContext?: { runAsUser?: number; capabilities?: { add?: string[] } };
  env?: { name: string; value?: string }[];
}

/** A mover as VolSync would build it in `ns` (spec.<mover>.moverSecurityContext 1000:1000). */
const moverOf = (
  ns: string,
  name: string,
  mover: MoverType,
  kind: MoverSpec['kind'] = 'ReplicationSource',
  moverPodLabels?: Record<string, string>,
): MoverSpec => ({
  kind,
  namespace: ns,
  name,
  mover,
  moverVolumes: [],
  ...(mover !== 'rsync' && { moverSecurityContext: { runAsUser: 1000, runAsGroup: 1000 } }),
  ...(moverPodLabels && { moverPodLabels }),
});

/**
 * The server-side dry run of the pod VolSync creates for `m` while the namespace allows privileged
 * movers, with the labels VolSync and the job controller give it: container 0 as admitted, or the
 * rejection.
 */
async function dryRunPrivileged(
  cp: ApiServer,
  m: MoverSpec,
): Promise<{ admitted: true; container: DryRunContainer } | { admitted: false; message: string }> {
  const built = buildMoverPod(m, true, 'quay.io/backube/volsync:0.17.0');
  const r = await adminRequest(
    cp,
    'POST',
    `/api/v1/namespaces/${m.namespace}/pods?dryRun=All`,
    podManifest(built, m.namespace, {}),
  );
  if (r.status >= 300) return { admitted: false, message: r.body };
  const pod = JSON.parse(r.body) as { spec: { containers: DryRunContainer[] } };
  return { admitted: true, container: pod.spec.containers[0] ?? {} };
}

/** What a dry run admitted: container 0's runAsUser, added capabilities and PRIVILEGED_MOVER. */
const admittedAs = (r: Awaited<ReturnType<typeof dryRunPrivileged>>) =>
  r.admitted
    ? {
        runAsUser: r.container.securityContext?.runAsUser,
        add: r.container.securityContext?.capabilities?.add,
        PRIVILEGED_MOVER: r.container.env?.find((e) => e.name === 'PRIVILEGED_MOVER')?.value,
      }
    : `rejected: ${r.message}`;
/** The pod VolSync builds without the annotation: no runAsUser, no capabilities added. */
const demoted = { runAsUser: undefined, add: undefined, PRIVILEGED_MOVER: '0' };
const root = { runAsUser: 0, add: ['DAC_OVERRIDE', 'CHOWN', 'FOWNER'], PRIVILEGED_MOVER: '1' };

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

  it('explain reads the policy back: the model gives the same identities as the server', async () => {
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
  });

  it('a mover added after the grant is demoted by the server without annotate running again: explain agrees and reports no escape (VP018)', async () => {
    await applyYaml(
      cp,
      incident(ns).split('---\n').slice(1, 2).join('').replaceAll('bookstack', 'wiki'),
    );
    const later = await run('explain', `ns/${ns}`, '--server-dry-run', '-o', 'json');
    expect(later.code, later.stderr).toBe(0);
    const report = JSON.parse(later.stdout) as {
      subjects: {
        name: string;
        containers: { identity: { uid: number; capabilities: string[] } }[];
        findings: { code: string }[];
      }[];
    };
    const wiki = report.subjects.find((x) => x.name === 'wiki');
    expect(wiki?.containers[0]?.identity).toMatchObject({ uid: 1000, capabilities: [] });
    expect(report.subjects.flatMap((x) => x.findings.map((f) => f.code))).not.toContain('VP018');
    await adminRequest(
      cp,
      'DELETE',
      `/apis/volsync.backube/v1alpha1/namespaces/${ns}/replicationsources/wiki`,
    );
  });

  it.each<[string, MoverSpec]>([
    ['a kopia ReplicationSource', moverOf(ns, 'wiki', 'kopia')],
    ['a restic ReplicationDestination', moverOf(ns, 'restore', 'restic', 'ReplicationDestination')],
    [
      'an rsync-tls ReplicationDestination',
      moverOf(ns, 'rx', 'rsync-tls', 'ReplicationDestination'),
    ],
    ['a syncthing ReplicationSource (a Deployment pod)', moverOf(ns, 'sync', 'syncthing')],
    [
      'a restic ReplicationSource whose moverPodLabels overwrite created-by',
      moverOf(ns, 'own', 'restic', 'ReplicationSource', { 'app.kubernetes.io/created-by': 'me' }),
    ],
    [
      "a syncthing ReplicationSource whose moverPodLabels copy the listed mover's Job name",
      moverOf(ns, 'copycat', 'syncthing', 'ReplicationSource', {
        'batch.kubernetes.io/job-name': 'volsync-src-structurizr',
      }),
    ],
  ])(
    'the privileged pod of %s added after the grant comes back from the dry run unprivileged',
    async (_what, m) => {
      expect(admittedAs(await dryRunPrivileged(cp, m))).toEqual(demoted);
    },
  );

  it('the listed mover stays privileged; legacy rsync, root with or without the annotation, is left as it is', async () => {
    expect(admittedAs(await dryRunPrivileged(cp, moverOf(ns, 'structurizr', 'kopia')))).toEqual(
      root,
    );
    // no PRIVILEGED_MOVER: the policy's match condition never selects it
    expect(admittedAs(await dryRunPrivileged(cp, moverOf(ns, 'legacy', 'rsync')))).toEqual({
      runAsUser: 0,
      add: ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID', 'SYS_CHROOT'],
      PRIVILEGED_MOVER: undefined,
    });
  });

  it('a Job cannot give its pods a listed Job name (the exclusion relies on it): the API server rejects it', async () => {
    const r = await adminRequest(cp, 'POST', `/apis/batch/v1/namespaces/${ns}/jobs?dryRun=All`, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'volsync-src-wiki' },
      spec: {
        template: {
          metadata: { labels: { 'batch.kubernetes.io/job-name': 'volsync-src-structurizr' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] },
        },
      },
    });
    expect(r.status, r.body).toBe(422);
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

describe('annotate --scoped on a namespace holding only the listed mover (Kubernetes 1.36)', () => {
  const cp = inject('controlPlane');
  const run = cli(cp, 'scope-solo');
  const ns = 'scope-solo';
  const grant = ['annotate', `ns/${ns}`, '--privileged', '--scoped', 'rs/structurizr', '--apply'];

  it('still writes the demote policy, in force before the namespace is annotated: a mover added later is demoted, the listed one stays root; removing deletes it', async () => {
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\n${kopiaMoverYaml(ns, 'structurizr')}`,
    );
    const r = await run(...grant);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/holds only the listed movers: .*MutatingAdmissionPolicy \(v1\)/);
    expect(r.stdout).toMatch(grantLine('structurizr'));
    await applyYaml(cp, kopiaMoverYaml(ns, 'wiki'));
    expect(admittedAs(await dryRunPrivileged(cp, moverOf(ns, 'wiki', 'kopia')))).toEqual(demoted);
    expect(admittedAs(await dryRunPrivileged(cp, moverOf(ns, 'structurizr', 'kopia')))).toEqual(
      root,
    );
    // the same grant once wiki exists: nothing to change, wiki is kept by the policy
    const again = await run(...grant);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already as asked; nothing changed/);
    expect(again.stdout).toMatch(keptLine('wiki', 'unchanged'));

    const removed = await run(
      'annotate',
      `ns/${ns}`,
      '--privileged=false',
      '--all-movers',
      '--apply',
    );
    expect(removed.code, removed.stderr).toBe(0);
    expect(await policyNames(cp, 'mutatingadmissionpolicies')).not.toContain(
      `volsync-perms-scope-${ns}`,
    );
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

    // a mover added after the grant is rejected; the listed one still runs privileged
    expect(admittedAs(await dryRunPrivileged(cp, moverOf(ns, 'wiki', 'restic')))).toMatch(
      /^rejected: .*volsync-perms-deny-incident/,
    );
    expect(admittedAs(await dryRunPrivileged(cp, moverOf(ns, 'structurizr', 'kopia')))).toEqual(
      root,
    );

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

  it('on a namespace holding only the listed mover, the grant writes the deny policy without --deny-others: a mover added later is rejected, and the same grant run again changes nothing', async () => {
    const solo = 'solo';
    const grant = [
      'annotate',
      `ns/${solo}`,
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '--apply',
    ];
    await applyYaml(
      cp,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${solo}}\n---\n${kopiaMoverYaml(solo, 'structurizr')}`,
    );
    const r = await run(...grant);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /ValidatingAdmissionPolicy \(v1\) that rejects the privileged pod of any mover added later/,
    );
    await applyYaml(cp, kopiaMoverYaml(solo, 'wiki'));
    expect(admittedAs(await dryRunPrivileged(cp, moverOf(solo, 'wiki', 'kopia')))).toMatch(
      /^rejected: .*volsync-perms-deny-solo/,
    );
    const again = await run(...grant);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing changed/);
    expect(again.stdout).toMatch(/rs\/wiki: rejected by the API server, as planned/);
    const removed = await run(
      'annotate',
      `ns/${solo}`,
      '--privileged=false',
      '--all-movers',
      '--apply',
    );
    expect(removed.code, removed.stderr).toBe(0);
    expect(await policyNames(cp, 'validatingadmissionpolicies')).toEqual([]);
  });
});
