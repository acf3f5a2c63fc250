import { describe, expect, it } from 'vitest';
import { autoscaler, replicasManager, statefulSet } from '../test-support/workload-builders.js';
import { findReplicaSetter } from './replica-setters.js';

const pg = statefulSet('pg', { replicas: 2, templates: ['data'] });
const flux = statefulSet('pg', {
  replicas: 2,
  labels: {
    'kustomize.toolkit.fluxcd.io/name': 'apps',
    'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
  },
});

describe('findReplicaSetter', () => {
  it.each([
    ['nothing read', pg, {}, undefined],
    [
      'no autoscaler and only imperative writers',
      pg,
      {
        autoscalers: [
          autoscaler('other', 'StatefulSet', 'redis'),
          autoscaler('web', 'Deployment', 'pg'),
        ],
        managedFields: [
          replicasManager('kubectl-create', 'Update'),
          replicasManager('kubectl-client-side-apply', 'Update'),
        ],
      },
      undefined,
    ],
    [
      'our own field manager',
      pg,
      { managedFields: [replicasManager('kubectl-volsync-perms', 'Update')] },
      undefined,
    ],
    [
      'an HPA targeting it',
      pg,
      { autoscalers: [autoscaler('pg', 'StatefulSet', 'pg')] },
      /^StatefulSet db\/pg: HorizontalPodAutoscaler pg scales it .*; delete it for the repair/,
    ],
    [
      'a server-side apply manager',
      pg,
      { managedFields: [replicasManager('kubectl', 'Apply')] },
      /^StatefulSet db\/pg: field manager "kubectl" owns spec\.replicas \(2\) and would set it back during the repair; stop what applies it as "kubectl"/,
    ],
    [
      'Flux, named by its labels',
      flux,
      { managedFields: [replicasManager('kustomize-controller', 'Apply')] },
      /field manager "kustomize-controller" .*; flux suspend kustomization apps -n flux-system, run fix-job again, then resume it$/,
    ],
    [
      'Argo CD with client-side apply (Update)',
      pg,
      { managedFields: [replicasManager('argocd-application-controller', 'Update')] },
      /turn off automated sync \(self-heal\) of its Argo CD Application/,
    ],
  ] as const)('%s', (_, w, facts, expected) => {
    const r = findReplicaSetter(w, facts, 2);
    if (expected === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(expected);
  });

  it('a manager owning other fields only is not a setter', () => {
    const labelsOnly = {
      ...replicasManager('kustomize-controller', 'Apply'),
      fieldsV1: { 'f:metadata': {} },
    };
    expect(findReplicaSetter(pg, { managedFields: [labelsOnly] }, 2)).toBeUndefined();
  });
});
