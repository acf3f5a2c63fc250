import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { watchedKindsOf } from '../src/adapters/cluster/read-cluster.js';

/**
 * deploy/'s ClusterRoles grant exactly what serve does: list and watch of every type it can
 * watch (VolSync's fork, kopiur and both policy APIs served), and, in deploy/events, create on
 * events. A type serve starts to watch without its rule, or a rule no watch needs, fails here;
 * test/integration/serve.test.ts runs serve with the role alone.
 */
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
const rulesOf = (file: string) =>
  (load(readFileSync(file, 'utf8')) as { rules: Rule[] }).rules.flatMap((r) =>
    r.apiGroups.flatMap((g) => r.resources.map((res) => `${r.verbs.join(',')} ${g}/${res}`)),
  );

describe("deploy/'s RBAC", () => {
  it('grants list and watch on exactly the types serve watches', () => {
    const watched = watchedKindsOf({
      volsync: 'fork',
      kopiur: true,
      policyApis: { mutating: 'v1', validating: 'v1' },
    }).map((k) => `list,watch ${k.group}/${k.plural}`);
    expect(rulesOf('deploy/base/clusterrole.yaml').sort()).toEqual([...new Set(watched)].sort());
  });

  it('adds create on events, and nothing else, for --events', () => {
    expect(rulesOf('deploy/events/clusterrole.yaml')).toEqual(['create /events']);
  });
});
