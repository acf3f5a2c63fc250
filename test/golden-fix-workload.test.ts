import { describe, expect, it } from 'vitest';
import { golden, runCliCaptured } from './run-cli.js';

const fx = ['-f', 'test/fixtures/fix-workload.yaml', '-n', 'db'];
const owner = ['--uid', '999', '--gid', '999'];

/** fix-job on a whole workload (sts/NAME, deploy/NAME): preview, the Jobs, and the error cases. */
const cases: [string, string[]][] = [
  ['fix-job-sts-preview', ['fix-job', 'sts/postgres', ...owner, ...fx]],
  ['fix-job-sts-yaml', ['fix-job', 'statefulset/postgres', ...owner, ...fx, '-o', 'yaml']],
  [
    'fix-job-sts-json',
    ['fix-job', 'sts/postgres', ...owner, ...fx, '-o', 'json', '--only-uid', '0'],
  ],
  [
    'fix-job-deploy-preview',
    ['fix-job', 'deploy/pgadmin', '--uid', '5050', '--gid', '5050', ...fx],
  ],
  ['fix-job-sts-replicas-0', ['fix-job', 'sts/archive', ...owner, ...fx]],
  ['fix-job-sts-claims-not-in-input', ['fix-job', 'sts/replica', ...owner, ...fx]],
  ['fix-job-sts-other-owner', ['fix-job', 'sts/postgres', '--uid', '70', '--gid', '70', ...fx]],
  ['error-fix-job-sts-no-owner', ['fix-job', 'sts/postgres', ...fx]],
  ['error-fix-job-sts-not-found', ['fix-job', 'sts/mysql', ...owner, ...fx]],
  ['error-fix-job-deploy-no-claims', ['fix-job', 'deploy/web', ...owner, ...fx]],
  ['error-fix-job-sts-volume', ['fix-job', 'sts/postgres', ...owner, '--volume', 'data', ...fx]],
  ['error-fix-job-sts-count', ['fix-job', 'sts/postgres', ...owner, '--count', ...fx]],
  [
    'error-fix-job-sts-from-audit',
    [
      'fix-job',
      'sts/postgres',
      ...owner,
      '--from-audit',
      'test/fixtures/audit/incident.log',
      ...fx,
    ],
  ],
  ['error-fix-job-sts-apply-offline', ['fix-job', 'sts/postgres', ...owner, '--apply', ...fx]],
  ['error-fix-job-sts-relax-without-apply', ['fix-job', 'sts/postgres', ...owner, '--relax-psa']],
  ['error-fix-job-daemonset', ['fix-job', 'ds/node-exporter', ...owner, ...fx]],
];

describe('golden output of fix-job on a whole workload', () => {
  it.each(cases)('%s', async (name, argv) => {
    await expect(golden(await runCliCaptured(argv))).toMatchFileSnapshot(`golden/${name}.txt`);
  });
});
