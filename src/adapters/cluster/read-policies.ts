import { managedBy, policyKindLabel, type PolicyApi } from '../../core/admission/scope-policy.js';
import type { PolicyApis } from '../../core/snapshot.js';
import type { KubeClient } from './client.js';
import { ForbiddenError } from './errors.js';

const group = 'admissionregistration.k8s.io';
const plurals = {
  mutating: ['mutatingadmissionpolicies', 'mutatingadmissionpolicybindings'],
  validating: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
} as const;
const kindOf: Record<string, string> = {
  mutatingadmissionpolicies: 'MutatingAdmissionPolicy',
  mutatingadmissionpolicybindings: 'MutatingAdmissionPolicyBinding',
  validatingadmissionpolicies: 'ValidatingAdmissionPolicy',
  validatingadmissionpolicybindings: 'ValidatingAdmissionPolicyBinding',
};

/**
 * Which version of the admission policy APIs the server serves, newest first, by discovery
 * (every authenticated user may read it). MutatingAdmissionPolicy is v1 from Kubernetes 1.36 and
 * v1beta1 on 1.34-1.35 only with its feature gate and runtime-config.
 */
export async function discoverPolicyApis(client: KubeClient): Promise<PolicyApis> {
  const served: PolicyApis = { mutating: null, validating: null };
  const versions = ['v1beta1', 'v1'] as const satisfies PolicyApi[];
  const docs = await Promise.all(
    versions.map((version) =>
      client.get(`/apis/${group}/${version}`, `API ${group}/${version}`).catch((e: unknown) => {
        if (e instanceof ForbiddenError) return undefined;
        throw e;
      }),
    ),
  );
  for (const [i, version] of versions.entries()) {
    const doc = docs[i];
    const names = new Set(((doc?.['resources'] ?? []) as { name?: string }[]).map((r) => r.name));
    // v1 is read last so that it wins when both are served
    if (names.has(plurals.mutating[0])) served.mutating = version;
    if (names.has(plurals.validating[0])) served.validating = version;
  }
  return served;
}

const scopeSelector = () =>
  `${Object.entries(managedBy)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')},${policyKindLabel}`;

/** The types of annotate --scoped's policies and bindings the server serves, with their selector. */
export function scopePolicyTypes(
  apis: PolicyApis,
): { group: string; version: string; plural: string; kind: string; labelSelector: string }[] {
  return (['mutating', 'validating'] as const).flatMap((family) => {
    const version = apis[family];
    return version === null
      ? []
      : plurals[family].map((plural) => ({
          group,
          version,
          plural,
          kind: kindOf[plural] ?? plural,
          labelSelector: scopeSelector(),
        }));
  });
}

/** annotate --scoped's policies and bindings, with a 403 as the error of that list. */
export async function readScopePolicies(
  client: KubeClient,
  apis: PolicyApis,
): Promise<{ objects: Record<string, unknown>[]; forbidden: ForbiddenError[] }> {
  const objects: Record<string, unknown>[] = [];
  const forbidden: ForbiddenError[] = [];
  const labelSelector = scopeSelector();
  for (const family of ['mutating', 'validating'] as const) {
    const version = apis[family];
    if (version === null) continue;
    for (const plural of plurals[family]) {
      try {
        const items = await client.list({ group, version, plural }, { labelSelector });
        for (const item of items)
          objects.push({ ...item, apiVersion: `${group}/${version}`, kind: kindOf[plural] });
      } catch (e) {
        if (!(e instanceof ForbiddenError)) throw e;
        forbidden.push(e);
      }
    }
  }
  return { objects, forbidden };
}
