import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import type { ControlPlane, TestUser } from './control-plane.js';

/** What tests see of the control plane (global setup owns stopping it). */
export type ApiServer = Omit<ControlPlane, 'stop'>;

/** Where the test fixtures' kinds are served; enough for seeding, not a discovery client. */
const endpoints: Record<string, { base: string; plural: string; namespaced: boolean }> = {
  Namespace: { base: '/api/v1', plural: 'namespaces', namespaced: false },
  PersistentVolume: { base: '/api/v1', plural: 'persistentvolumes', namespaced: false },
  PersistentVolumeClaim: { base: '/api/v1', plural: 'persistentvolumeclaims', namespaced: true },
  Pod: { base: '/api/v1', plural: 'pods', namespaced: true },
  Secret: { base: '/api/v1', plural: 'secrets', namespaced: true },
  ServiceAccount: { base: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  Deployment: { base: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  StatefulSet: { base: '/apis/apps/v1', plural: 'statefulsets', namespaced: true },
  Job: { base: '/apis/batch/v1', plural: 'jobs', namespaced: true },
  CustomResourceDefinition: {
    base: '/apis/apiextensions.k8s.io/v1',
    plural: 'customresourcedefinitions',
    namespaced: false,
  },
  Role: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles', namespaced: true },
  RoleBinding: {
    base: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'rolebindings',
    namespaced: true,
  },
  ClusterRole: {
    base: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'clusterroles',
    namespaced: false,
  },
  ClusterRoleBinding: {
    base: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  ReplicationSource: {
    base: '/apis/volsync.backube/v1alpha1',
    plural: 'replicationsources',
    namespaced: true,
  },
  ReplicationDestination: {
    base: '/apis/volsync.backube/v1alpha1',
    plural: 'replicationdestinations',
    namespaced: true,
  },
  KopiaMaintenance: {
    base: '/apis/volsync.backube/v1alpha1',
    plural: 'kopiamaintenances',
    namespaced: true,
  },
  Repository: {
    base: '/apis/kopiur.home-operations.com/v1alpha1',
    plural: 'repositories',
    namespaced: true,
  },
  ClusterRepository: {
    base: '/apis/kopiur.home-operations.com/v1alpha1',
    plural: 'clusterrepositories',
    namespaced: false,
  },
  SnapshotPolicy: {
    base: '/apis/kopiur.home-operations.com/v1alpha1',
    plural: 'snapshotpolicies',
    namespaced: true,
  },
  Snapshot: {
    base: '/apis/kopiur.home-operations.com/v1alpha1',
    plural: 'snapshots',
    namespaced: true,
  },
  Restore: {
    base: '/apis/kopiur.home-operations.com/v1alpha1',
    plural: 'restores',
    namespaced: true,
  },
  Maintenance: {
    base: '/apis/kopiur.home-operations.com/v1alpha1',
    plural: 'maintenances',
    namespaced: true,
  },
};

export interface ApiResponse {
  status: number;
  body: string;
}

/** One request to the test server as the admin (system:masters). */
export function adminRequest(
  cp: ApiServer,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  /** More headers: Impersonate-User, to ask as another identity. */
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${cp.server}${path}`,
      {
        method,
        headers: {
          Authorization: `Bearer ${cp.users.admin.token}`,
          'Content-Type': contentType,
          Accept: 'application/json',
          ...headers,
        },
        rejectUnauthorized: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function pathOf(
  o: { kind: string; metadata: { name: string; namespace?: string } },
  named: boolean,
) {
  const e = endpoints[o.kind];
  if (!e) throw new Error(`test seeding does not know kind ${o.kind}`);
  const ns = e.namespaced ? `/namespaces/${o.metadata.namespace ?? 'default'}` : '';
  return `${e.base}${ns}/${e.plural}${named ? `/${o.metadata.name}` : ''}`;
}

type Obj = { kind: string; metadata: { name: string; namespace?: string } };

/** Creates every object of a multi-document YAML text (an existing one is replaced). */
export async function applyYaml(cp: ApiServer, text: string): Promise<void> {
  for (const doc of loadAll(text)) {
    if (doc === null || typeof doc !== 'object') continue;
    await applyObject(cp, doc as Obj);
  }
}

export async function applyObject(cp: ApiServer, o: Obj): Promise<void> {
  let r = await adminRequest(cp, 'POST', pathOf(o, false), o);
  if (r.status === 409) {
    const current = await adminRequest(cp, 'GET', pathOf(o, true));
    const rv = (JSON.parse(current.body) as { metadata: { resourceVersion: string } }).metadata
      .resourceVersion;
    r = await adminRequest(cp, 'PUT', pathOf(o, true), {
      ...o,
      metadata: { ...o.metadata, resourceVersion: rv },
    });
  }
  if (r.status >= 300)
    throw new Error(`${o.kind} ${o.metadata.name}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
}

export async function deleteObject(cp: ApiServer, o: Obj): Promise<void> {
  const r = await adminRequest(cp, 'DELETE', pathOf(o, true));
  if (r.status >= 300 && r.status !== 404)
    throw new Error(`delete ${o.kind} ${o.metadata.name}: HTTP ${r.status}`);
}

/**
 * A kubeconfig file with one context per user (named after the user), verifying TLS with the
 * server's own certificate; `current` is the current context.
 */
export function writeKubeconfig(
  cp: ApiServer,
  file: string,
  users: TestUser[],
  current: string,
  server = cp.server,
): string {
  writeFileSync(
    file,
    dump({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': current,
      clusters: [
        {
          name: 'test',
          // client-node refuses plain HTTP (the fault proxy) unless TLS checks are off
          cluster: server.startsWith('http:')
            ? { server, 'insecure-skip-tls-verify': true }
            : { server, 'certificate-authority': cp.caFile },
        },
      ],
      users: users.map((u) => ({ name: u.name, user: { token: u.token } })),
      contexts: users.map((u) => ({ name: u.name, context: { cluster: 'test', user: u.name } })),
    }),
  );
  return file;
}

export const kubeconfigPath = (cp: ApiServer, name: string) => join(cp.dir, `${name}.kubeconfig`);
