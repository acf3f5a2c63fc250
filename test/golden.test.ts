import { describe, expect, it } from 'vitest';
import { golden, runCliCaptured } from './run-cli.js';

const fx = (f: string) => `test/fixtures/${f}`;

/** Every command × output format, every --help, and the error cases; files under test/golden/. */
const cases: [string, string[]][] = [
  ['help', ['--help']],
  ['help-explain', ['explain', '--help']],
  ['help-effective-uid', ['effective-uid', '--help']],
  ['help-version', ['version', '--help']],
  ['help-fix-job', ['fix-job', '--help']],
  ['help-annotate', ['annotate', '--help']],
  ['help-completion', ['completion', '--help']],
  ['help-tui', ['tui', '--help']],
  ['error-tui-not-a-terminal', ['tui', '--demo']],
  ['help-serve', ['serve', '--help']],
  ['error-serve-demo', ['serve', '--demo']],
  ['error-serve-listen', ['serve', '--listen', 'localhost:http']],
  ['error-serve-namespace', ['serve', '-n', 'apps']],
  ['error-serve-contexts', ['serve', '--context', 'a', '--context', 'b']],
  ['error-serve-pull-secrets', ['serve', '--use-pull-secrets']],
  ['completion-bash', ['completion', 'bash']],
  ['completion-zsh', ['completion', 'zsh']],
  ['completion-fish', ['completion', 'fish']],
  ['completion-kubectl', ['completion', 'kubectl']],
  ['error-completion-no-shell', ['completion']],
  ['version', ['version']],
  ['version-json', ['version', '-o', 'json']],
  ['version-yaml', ['version', '-o', 'yaml']],
  ['explain-demo-default', ['explain', 'ns/default', '--demo']],
  ['explain-demo-default-wide', ['explain', 'ns/default', '--demo', '-o', 'wide']],
  ['explain-demo-default-json', ['explain', 'ns/default', '--demo', '-o', 'json']],
  ['explain-demo-default-yaml', ['explain', 'default', '--demo', '-o', 'yaml']],
  ['explain-demo-all', ['explain', '-A', '--demo']],
  ['explain-demo-all-wide', ['explain', '-A', '--demo', '-o', 'wide']],
  ['explain-demo-n-tools-kopiur', ['explain', '-n', 'tools', '--demo', '-o', 'wide']],
  [
    'what-if-migrate-kopiur-demo-default',
    ['explain', 'ns/default', '--demo', '--what-if', 'migrate-kopiur'],
  ],
  ['what-if-migrate-kopiur-demo-all', ['explain', '-A', '--demo', '--what-if', 'migrate-kopiur']],
  [
    'what-if-migrate-kopiur-demo-media-json',
    ['explain', 'ns/media', '--demo', '--what-if', 'migrate-kopiur', '-o', 'json'],
  ],
  [
    'what-if-migrate-kopiur-demo-storage-yaml',
    ['explain', 'ns/storage', '--demo', '--what-if', 'migrate-kopiur', '-o', 'yaml'],
  ],
  [
    'what-if-migrate-kopiur-exit-code',
    ['explain', 'ns/storage', '--demo', '--what-if', 'migrate-kopiur', '--exit-code'],
  ],
  [
    'what-if-migrate-kopiur-kopiur-version',
    ['explain', 'ns/media', '--demo', '--what-if', 'migrate-kopiur', '--kopiur-version', '0.8.2'],
  ],
  [
    'what-if-migrate-kopiur-empty',
    ['explain', 'ns/tools', '--demo', '--what-if', 'migrate-kopiur'],
  ],
  ['error-what-if-unknown', ['explain', '--demo', '--what-if', 'migrate-velero']],
  ['error-what-if-sarif', ['explain', '--demo', '--what-if', 'migrate-kopiur', '-o', 'sarif']],
  [
    'error-what-if-with-diff-against',
    [
      'explain',
      '-f',
      'test/fixtures/kopiur',
      '--what-if',
      'migrate-kopiur',
      '--diff-against',
      'HEAD',
    ],
  ],
  ['explain-demo-all-sarif', ['explain', '-A', '--demo', '-o', 'sarif']],
  ['explain-demo-n-media', ['explain', '-n', 'media', '--demo']],
  ['explain-demo-empty-namespace', ['explain', 'ns/nothing-here', '--demo']],
  ['explain-demo-exit-code', ['explain', 'ns/sync', '--demo', '--exit-code']],
  [
    'explain-demo-exit-code-warning',
    ['explain', 'ns/storage', '--demo', '--exit-code', '--fail-on', 'warning'],
  ],
  [
    'explain-image-user',
    [
      'explain',
      'ns/storage',
      '--demo',
      '--image-user',
      'ghcr.io/perfectra1n/volsync=1000:1000',
      '-o',
      'wide',
    ],
  ],
  ['effective-uid-rs-bookstack', ['effective-uid', 'rs/bookstack', '--demo']],
  ['effective-uid-rs-bookstack-wide', ['effective-uid', 'rs/bookstack', '--demo', '-o', 'wide']],
  [
    'effective-uid-rs-bookstack-json',
    ['effective-uid', 'replicationsource/bookstack', '--demo', '-o', 'json'],
  ],
  ['effective-uid-rs-bookstack-yaml', ['effective-uid', 'rs/bookstack', '--demo', '-o', 'yaml']],
  [
    'effective-uid-kopiamaintenance',
    ['effective-uid', 'kopiamaintenance/daily', '-n', 'storage', '--demo'],
  ],
  [
    'effective-uid-kopiur-bootstrap',
    ['effective-uid', 'job/nas-bootstrap', '-n', 'tools', '--demo'],
  ],
  [
    'effective-uid-kopiur-repository-both-jobs',
    ['effective-uid', 'clusterrepository/nas', '-n', 'tools', '--demo', '-o', 'wide'],
  ],
  [
    'explain-kopiur-restore-recorded',
    ['explain', '-n', 'db', '-f', fx('kopiur/restore-recorded.yaml'), '--offline', '-o', 'wide'],
  ],
  [
    'effective-uid-kopiur-restore-recorded',
    [
      'effective-uid',
      'restore/postgres-latest',
      '-n',
      'db',
      '-f',
      fx('kopiur/restore-recorded.yaml'),
      '--offline',
    ],
  ],
  [
    'effective-uid-kopiur-restore-recorded-unknown-json',
    [
      'effective-uid',
      'restore/postgres-aged-out',
      '-n',
      'db',
      '-f',
      fx('kopiur/restore-recorded.yaml'),
      '--offline',
      '-o',
      'json',
    ],
  ],
  ['effective-uid-deployment', ['effective-uid', 'deploy/bookstack', '--demo']],
  [
    'effective-uid-statefulset-json',
    ['effective-uid', 'sts/jellyfin', '-n', 'media', '--demo', '-o', 'json'],
  ],
  ['effective-uid-rd-rsync-tls', ['effective-uid', 'rd/wiki-replica', '-n', 'sync', '--demo']],
  ['fix-job-demo-rs-bookstack', ['fix-job', 'rs/bookstack', '--demo']],
  [
    'fix-job-demo-repository-only-uid-0',
    ['fix-job', 'rs/bookstack', '--volume', 'repository', '--only-uid', '0', '--demo'],
  ],
  ['fix-job-demo-yaml', ['fix-job', 'rs/structurizr', '--demo', '-o', 'yaml']],
  ['fix-job-demo-json', ['fix-job', 'rs/immich', '--volume', 'cache', '--demo', '-o', 'json']],
  [
    'fix-job-pvc-explicit-owner',
    ['fix-job', 'pvc/bookstack', '--uid', '1000', '--gid', '1000', '--demo'],
  ],
  [
    'fix-job-restricted-rwo-in-use',
    ['fix-job', 'rs/jellyfin', '-n', 'media', '-f', fx('fix-job.yaml')],
  ],
  [
    'error-fix-job-rwop-in-use',
    ['fix-job', 'pvc/db', '--uid', '999', '--gid', '999', '-n', 'media', '-f', fx('fix-job.yaml')],
  ],
  ['error-fix-job-no-owner', ['fix-job', 'rs/no-owner', '-n', 'media', '-f', fx('fix-job.yaml')]],
  ['error-fix-job-pvc-no-owner', ['fix-job', 'pvc/data', '--demo']],
  ['error-fix-job-uid-without-gid', ['fix-job', 'pvc/data', '--uid', '1000', '--demo']],
  ['error-fix-job-bad-uid', ['fix-job', 'pvc/data', '--uid', '-1', '--gid', '0', '--demo']],
  ['error-fix-job-unknown-type', ['fix-job', 'ds/app', '--demo']],
  ['error-fix-job-not-found', ['fix-job', 'rs/missing', '--demo']],
  [
    'error-fix-job-restic-repository',
    ['fix-job', 'rs/jellyfin', '-n', 'media', '--volume', 'repository', '-f', fx('fix-job.yaml')],
  ],
  ['error-fix-job-apply-offline', ['fix-job', 'rs/bookstack', '--demo', '--apply']],
  ['error-fix-job-relax-without-wait', ['fix-job', 'rs/bookstack', '--apply', '--relax-psa']],
  ['error-fix-job-wait-without-apply', ['fix-job', 'rs/bookstack', '--wait']],
  [
    'error-fix-job-invalid-namespace',
    ['fix-job', 'pvc/x', '--uid', '1', '--gid', '1', '-n', '../etc', '--demo'],
  ],
  ['error-effective-uid-invalid-namespace', ['effective-uid', 'rs/x', '-n', 'a/b', '--demo']],
  ['error-fix-job-bad-deadline', ['fix-job', 'rs/bookstack', '--deadline', 'soon', '--demo']],
  ['error-fix-job-count-offline', ['fix-job', 'rs/bookstack', '--count', '--demo']],
  [
    'fix-job-demo-from-audit',
    [
      'fix-job',
      'rs/bookstack',
      '--volume',
      'repository',
      '--from-audit',
      fx('audit/incident.log'),
      '--demo',
    ],
  ],
  [
    'error-fix-job-root-squash-root-files',
    [
      'fix-job',
      'rs/bookstack',
      '--volume',
      'repository',
      '--from-audit',
      fx('audit/incident.log'),
      '--nfs-squash',
      'nas.home.arpa:/volsync=root_squash',
      '--demo',
    ],
  ],
  [
    'error-fix-job-root-squash-without-mode',
    [
      'fix-job',
      'rs/bookstack',
      '--volume',
      'repository',
      '--from-audit',
      fx('audit/other-owner.log'),
      '--nfs-squash',
      'nas.home.arpa:/volsync=root_squash',
      '--demo',
    ],
  ],
  [
    'fix-job-root-squash-mode-yaml',
    [
      'fix-job',
      'rs/bookstack',
      '--volume',
      'repository',
      '--from-audit',
      fx('audit/other-owner.log'),
      '--nfs-squash',
      'nas.home.arpa:/volsync=root_squash',
      '--mode',
      'g+rX',
      '--demo',
    ],
  ],
  [
    'error-fix-job-mode-not-squashed',
    ['fix-job', 'rs/bookstack', '--volume', 'repository', '--mode', 'g+r', '--demo'],
  ],
  [
    'error-fix-job-bad-mode',
    ['fix-job', 'rs/bookstack', '--volume', 'repository', '--mode', '0640; rm -rf /', '--demo'],
  ],
  ['explain-stale-job', ['explain', 'ns/media', '-f', fx('stale-job.yaml')]],
  [
    'effective-uid-stale-job',
    ['effective-uid', 'job/volsync-src-jellyfin', '-n', 'media', '-f', fx('stale-job.yaml')],
  ],
  ['help-render', ['render', '--help']],
  ['render-demo-rs-bookstack', ['render', 'rs/bookstack', '--demo']],
  ['render-demo-rs-bookstack-json', ['render', 'rs/bookstack', '--demo', '-o', 'json']],
  [
    'render-demo-rs-bookstack-fork-v0.16.1',
    ['render', 'rs/bookstack', '--demo', '--volsync-version', 'fork-v0.16.1'],
  ],
  [
    'render-demo-upstream-kopia',
    ['render', 'rs/bookstack', '--demo', '--volsync-version', 'upstream-v0.16.0'],
  ],
  ['render-demo-default', ['render', 'ns/default', '--demo']],
  ['render-demo-all', ['render', '-A', '--demo']],
  ['render-demo-kopiamaintenance', ['render', 'kopiamaintenance/daily', '-n', 'storage', '--demo']],
  ['render-demo-empty-namespace', ['render', 'nothing-here', '--demo']],
  [
    'render-namespace-not-in-input',
    ['render', 'rs/r', '-n', 'a', '-f', fx('render-no-namespace.yaml')],
  ],
  ['error-render-pod', ['render', 'pod/x', '--demo']],
  ['error-render-not-found', ['render', 'rs/nope', '--demo']],
  ['error-render-bad-output', ['render', 'rs/bookstack', '--demo', '-o', 'wide']],
  ['error-render-diff-live-offline', ['render', 'rs/bookstack', '--demo', '--diff-live']],
  ['error-render-all-with-object', ['render', 'rs/bookstack', '-A', '--demo']],
  ['help-audit', ['audit', '--help']],
  ['audit-demo-preview', ['audit', 'rs/bookstack', '--volume', 'repository', '--demo']],
  ['audit-demo-yaml', ['audit', 'rs/bookstack', '--volume', 'repository', '--demo', '-o', 'yaml']],
  [
    'audit-demo-run-as',
    ['audit', 'pvc/bookstack', '--run-as', '1000:1000', '--demo', '-o', 'yaml'],
  ],
  [
    'audit-demo-from-log',
    [
      'audit',
      'rs/bookstack',
      '--volume',
      'repository',
      '--demo',
      '--from-log',
      fx('audit/incident.log'),
    ],
  ],
  [
    'audit-demo-from-log-json',
    [
      'audit',
      'rs/bookstack',
      '--volume',
      'repository',
      '--demo',
      '--from-log',
      fx('audit/incident.log'),
      '-o',
      'json',
    ],
  ],
  [
    'audit-demo-from-log-yaml',
    [
      'audit',
      'kopiamaintenance/daily',
      '-n',
      'storage',
      '--demo',
      '--from-log',
      fx('audit/incident.log'),
      '-o',
      'yaml',
    ],
  ],
  [
    'audit-demo-from-log-root-squash',
    [
      'audit',
      'rs/bookstack',
      '--volume',
      'repository',
      '--demo',
      '--from-log',
      fx('audit/incident.log'),
      '--nfs-squash',
      'nas.home.arpa:/volsync=root_squash',
    ],
  ],
  [
    'audit-demo-exit-code',
    [
      'audit',
      'rs/bookstack',
      '--volume',
      'repository',
      '--demo',
      '--from-log',
      fx('audit/incident.log'),
      '--exit-code',
    ],
  ],
  ['error-audit-no-target', ['audit', '--demo']],
  ['error-audit-probe-without-run', ['audit', 'rs/bookstack', '--probe', '--demo']],
  ['error-audit-run-offline', ['audit', 'rs/bookstack', '--run', '--demo']],
  ['error-audit-bad-run-as', ['audit', 'rs/bookstack', '--run-as', '0:0', '--demo']],
  ['error-audit-volume-of-pvc', ['audit', 'pvc/bookstack', '--volume', 'cache', '--demo']],
  [
    'error-audit-from-log-missing',
    ['audit', 'rs/bookstack', '--demo', '--from-log', fx('audit/none.log')],
  ],
  [
    'error-audit-from-log-truncated',
    ['audit', 'rs/bookstack', '--demo', '--from-log', fx('audit/truncated.log')],
  ],
  [
    'error-audit-not-a-log',
    ['audit', 'rs/bookstack', '--demo', '--from-log', fx('malformed.yaml')],
  ],
  [
    'error-audit-bad-nfs-squash',
    ['audit', 'rs/bookstack', '--demo', '--nfs-squash', 'nas:/x=squash'],
  ],
  ['annotate-demo-default-already', ['annotate', 'ns/default', '--privileged', '--demo']],
  ['annotate-demo-storage-grant', ['annotate', 'ns/storage', '--privileged', '--demo']],
  [
    'annotate-demo-storage-scoped',
    [
      'annotate',
      'storage',
      '--privileged',
      '--scoped',
      'rs/garage',
      '--demo',
      '--policy-api',
      'none',
    ],
  ],
  [
    'annotate-demo-storage-scoped-json',
    [
      'annotate',
      'storage',
      '--privileged',
      '--scoped',
      'rs/garage',
      '--demo',
      '--policy-api',
      'v1',
      '-o',
      'json',
    ],
  ],
  [
    'error-annotate-scoped-alone-policy-api-unknown',
    ['annotate', 'storage', '--privileged', '--scoped', 'rs/garage', '--demo'],
  ],
  [
    'error-annotate-scoped-refused',
    ['annotate', 'ns/default', '--privileged', '--scoped', 'rs/structurizr', '--demo'],
  ],
  [
    'annotate-demo-default-scoped-policy',
    [
      'annotate',
      'ns/default',
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '--demo',
      '--policy-api',
      'v1',
    ],
  ],
  [
    'annotate-demo-default-scoped-policy-yaml',
    [
      'annotate',
      'ns/default',
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '--demo',
      '--policy-api',
      'v1beta1',
      '-o',
      'yaml',
    ],
  ],
  [
    'annotate-demo-default-scoped-deny',
    [
      'annotate',
      'ns/default',
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '--demo',
      '--policy-api',
      'none',
      '--deny-others',
    ],
  ],
  [
    'error-annotate-scoped-refused-no-policy-api',
    [
      'annotate',
      'ns/default',
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '--demo',
      '--policy-api',
      'none',
    ],
  ],
  [
    'error-annotate-deny-without-scoped',
    ['annotate', 'ns/default', '--privileged', '--deny-others', '--demo'],
  ],
  [
    'error-annotate-bad-policy-api',
    [
      'annotate',
      'ns/default',
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '--demo',
      '--policy-api',
      'v2',
    ],
  ],
  ['explain-scope-policy', ['explain', 'ns/incident', '-f', 'test/fixtures/scope-policy.yaml']],
  [
    'annotate-scope-policy-remove',
    ['annotate', 'ns/incident', '--privileged=false', '-f', 'test/fixtures/scope-policy.yaml'],
  ],
  [
    'annotate-scope-policy-rerun',
    [
      'annotate',
      'ns/incident',
      '--privileged',
      '--scoped',
      'rs/structurizr',
      '-f',
      'test/fixtures/scope-policy.yaml',
      '--policy-api',
      'v1',
    ],
  ],
  ['annotate-demo-default-remove', ['annotate', 'ns/default', '--privileged=false', '--demo']],
  [
    'annotate-demo-default-remove-yaml',
    ['annotate', 'ns/default', '--privileged=false', '--demo', '-o', 'yaml'],
  ],
  ['annotate-demo-exit-code', ['annotate', 'ns/storage', '--privileged', '--demo', '--exit-code']],
  ['explain-scoped-escape', ['explain', 'ns/root-apps', '-f', fx('scoped.yaml')]],
  ['error-annotate-no-privileged', ['annotate', 'ns/default', '--demo']],
  [
    'error-annotate-bad-scoped',
    ['annotate', 'ns/default', '--privileged', '--scoped', 'deploy/x', '--demo'],
  ],
  [
    'error-annotate-scoped-removal',
    ['annotate', 'ns/default', '--privileged=false', '--scoped', 'rs/a', '--demo'],
  ],
  ['error-annotate-apply-offline', ['annotate', 'ns/default', '--privileged', '--apply', '--demo']],
  [
    'error-annotate-prune-without-apply',
    ['annotate', 'ns/default', '--privileged=false', '--prune-stale-grants', '--demo'],
  ],
  ['error-annotate-object-target', ['annotate', 'rs/bookstack', '--privileged', '--demo']],
  ['error-annotate-namespace-not-in-input', ['annotate', 'ns/nowhere', '--privileged', '--demo']],
  [
    'error-annotate-scoped-not-found',
    ['annotate', 'ns/storage', '--privileged', '--scoped', 'rs/nope', '--demo'],
  ],
  ['error-no-command', []],
  ['error-no-kubeconfig', ['explain', 'ns/default']],
  ['error-two-sources', ['explain', '--demo', '-f', 'x.yaml']],
  ['error-unknown-flag', ['explain', '--demo', '--bogus']],
  ['error-bad-output', ['explain', '--demo', '-o', 'xml']],
  ['error-sarif-effective-uid', ['effective-uid', 'rs/bookstack', '--demo', '-o', 'sarif']],
  ['error-invalid-namespace', ['explain', 'ns/Bad_NS', '--demo']],
  ['error-explain-object', ['explain', 'rs/bookstack', '--demo']],
  ['error-unknown-type', ['effective-uid', 'secret/x', '--demo']],
  ['error-invalid-name', ['effective-uid', 'rs/Bad_Name', '--demo']],
  ['error-not-found', ['effective-uid', 'rs/missing', '--demo']],
  ['error-missing-file', ['explain', '-f', fx('does-not-exist.yaml')]],
  ['error-malformed-yaml', ['explain', '-f', fx('malformed.yaml')]],
  ['error-binary-input', ['explain', '-f', fx('binary.yaml')]],
  ['error-deeply-nested', ['explain', '-f', fx('deeply-nested.yaml')]],
  ['error-unknown-mover', ['explain', '-f', fx('unknown-mover.yaml')]],
  ['error-bad-security-context', ['explain', '-f', fx('bad-security-context.yaml')]],
  ['error-empty-input', ['explain', '-f', fx('empty.yaml')]],
  ['error-bad-image-user', ['explain', '--demo', '--image-user', 'nouser']],
  // a Flux repository (test/fixtures/flux): substitution, components, a label, a SOPS source,
  // a misnamed variable, an unrendered Namespace manifest, a Kustomization Flux would fail
  ['explain-flux-all', ['explain', '-A', '--flux', fx('flux/kubernetes')]],
  [
    'explain-flux-media-sarif',
    ['explain', 'ns/media', '--flux', fx('flux/kubernetes'), '-o', 'sarif'],
  ],
  [
    'effective-uid-flux-jellyfin',
    ['effective-uid', 'rs/jellyfin', '-n', 'media', '--flux', fx('flux/kubernetes')],
  ],
  [
    'fix-job-flux-sonarr-yaml',
    ['fix-job', 'rs/sonarr', '-n', 'media', '--flux', fx('flux/kubernetes'), '-o', 'yaml'],
  ],
  [
    'annotate-flux-media',
    ['annotate', 'ns/media', '--privileged', '--flux', fx('flux/kubernetes')],
  ],
  ['error-flux-missing', ['explain', '--flux', fx('flux/nope')]],
  [
    'error-flux-no-kustomization',
    ['explain', '--flux', fx('kustomize/../flux/kubernetes/components')],
  ],
  ['error-flux-with-demo', ['explain', '--flux', fx('flux/kubernetes'), '--demo']],
  ['error-flux-root-without-flux', ['explain', '--flux-root', '.', '--demo']],
  ['error-diff-against-demo', ['explain', '--demo', '--diff-against', 'HEAD']],
];

describe('golden output of every command', () => {
  it.each(cases)('%s', async (name, argv) => {
    await expect(golden(await runCliCaptured(argv))).toMatchFileSnapshot(`golden/${name}.txt`);
  });

  it('reads stdin with -f -', async () => {
    const r = await runCliCaptured(
      ['explain', '-A', '-f', '-'],
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: volsync.backube/v1alpha1\nkind: ReplicationSource\nmetadata: {name: r, namespace: a}\nspec: {sourcePVC: r, restic: {repository: s}}\n',
    );
    await expect(golden(r)).toMatchFileSnapshot('golden/explain-stdin.txt');
  });

  it('the demo shows default with five kopia movers at 0:1000 and names the annotation as the cause', async () => {
    const r = await runCliCaptured(['explain', 'ns/default', '--demo', '-o', 'json']);
    const report = JSON.parse(r.stdout) as {
      subjects: {
        name: string;
        mover: string;
        containers: { identity: { uid: number; gid: number } }[];
        findings: { code: string; objects: string[] }[];
      }[];
    };
    expect(
      report.subjects.map((s) => [
        s.name,
        s.mover,
        s.containers[0]?.identity.uid,
        s.containers[0]?.identity.gid,
      ]),
    ).toEqual(
      ['bookstack', 'immich', 'opencloud', 'pocket-id', 'structurizr'].map((n) => [
        n,
        'kopia',
        0,
        1000,
      ]),
    );
    const vp001 = report.subjects[0]?.findings.find((f) => f.code === 'VP001');
    expect(vp001?.objects[0]).toBe('Namespace/default');
    expect(vp001?.objects).toHaveLength(6);
  });
});
