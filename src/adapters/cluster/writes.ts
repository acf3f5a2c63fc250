import type { KubeClient } from './client.js';
import { AccessError, ClusterError, ForbiddenError } from './errors.js';
import { textOrder } from '../../core/text-order.js';

/**
 * The reads and writes of the mutating commands: a Namespace's labels and annotations (fix-job,
 * annotate), one Job and its pod's log (fix-job), the per-mover Roles (annotate), the workload
 * fix-job stops for a repair, its pods and autoscalers.
 */
export class ClusterWrites {
  constructor(private readonly client: KubeClient) {}

  async readNamespace(name: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.call('GET', `/api/v1/namespaces/${name}`, {
      verb: 'get',
      resource: 'namespaces',
    });
    if (r.status === 404) return undefined;
    return this.ok(r, `get Namespace ${name}`);
  }

  /**
   * A JSON merge patch of a Namespace; a resourceVersion in the patch makes it fail with 409 when
   * the Namespace changed since it was read, which is reported as a refusal, not retried.
   */
  async patchNamespace(name: string, patch: Record<string, unknown>): Promise<'ok' | 'conflict'> {
    const r = await this.call(
      'PATCH',
      `/api/v1/namespaces/${name}?fieldManager=kubectl-volsync-perms`,
      { verb: 'patch', resource: 'namespaces' },
      patch,
      'application/merge-patch+json',
    );
    if (r.status === 409) return 'conflict';
    this.ok(r, `patch Namespace ${name}`);
    return 'ok';
  }

  /**
   * Server-side apply of a Namespace's annotations with our field manager; `conflict` names the
   * manager that owns a field with another value (a GitOps controller, kubectl).
   */
  async applyNamespaceAnnotations(
    name: string,
    annotations: Record<string, string>,
  ): Promise<'ok' | { conflict: string }> {
    const r = await this.call(
      'PATCH',
      `/api/v1/namespaces/${name}?fieldManager=kubectl-volsync-perms`,
      { verb: 'patch', resource: 'namespaces' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, annotations } },
      'application/apply-patch+yaml',
    );
    if (r.status === 409) return { conflict: r.text };
    this.ok(r, `apply Namespace ${name}`);
    return 'ok';
  }

  /**
   * Server-side apply of one of annotate --scoped's admission policy objects (cluster-scoped, in
   * admissionregistration.k8s.io); `conflict` names the manager that owns a field.
   */
  async applyPolicyObject(o: {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
  }): Promise<'ok' | { conflict: string }> {
    const resource = `${policyPlural(o.kind)}.admissionregistration.k8s.io`;
    const r = await this.call(
      'PATCH',
      `/apis/${o.apiVersion}/${policyPlural(o.kind)}/${o.metadata.name}?fieldManager=kubectl-volsync-perms`,
      { verb: 'patch', resource },
      o,
      'application/apply-patch+yaml',
    );
    if (r.status === 409) return { conflict: r.text };
    this.ok(r, `apply ${o.kind} ${o.metadata.name}`);
    return 'ok';
  }

  /** Deletes one of those policy objects; one already gone is fine. */
  async deletePolicyObject(o: { apiVersion: string; kind: string; name: string }): Promise<void> {
    const r = await this.call('DELETE', `/apis/${o.apiVersion}/${policyPlural(o.kind)}/${o.name}`, {
      verb: 'delete',
      resource: `${policyPlural(o.kind)}.admissionregistration.k8s.io`,
    });
    if (r.status !== 404) this.ok(r, `delete ${o.kind} ${o.name}`);
  }

  /** Deletes a Role; one already gone is fine. */
  async deleteRole(ns: string, name: string): Promise<void> {
    const r = await this.call(
      'DELETE',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/${name}`,
      { verb: 'delete', resource: 'roles.rbac.authorization.k8s.io', namespace: ns },
    );
    if (r.status !== 404) this.ok(r, `delete Role ${ns}/${name}`);
  }

  async readJob(ns: string, name: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.call('GET', jobPath(ns, name), {
      verb: 'get',
      resource: 'jobs.batch',
      namespace: ns,
    });
    if (r.status === 404) return undefined;
    return this.ok(r, `get Job ${ns}/${name}`);
  }

  async createJob(job: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ns = (job['metadata'] as { namespace: string }).namespace;
    const r = await this.call(
      'POST',
      `/apis/batch/v1/namespaces/${ns}/jobs?fieldManager=kubectl-volsync-perms`,
      { verb: 'create', resource: 'jobs.batch', namespace: ns },
      job,
    );
    return this.ok(r, `create Job in namespace ${ns}`);
  }

  /** Deletes the Job and, in the background, its pods; a Job already gone is fine. */
  async deleteJob(ns: string, name: string): Promise<void> {
    const r = await this.call('DELETE', `${jobPath(ns, name)}?propagationPolicy=Background`, {
      verb: 'delete',
      resource: 'jobs.batch',
      namespace: ns,
    });
    if (r.status !== 404) this.ok(r, `delete Job ${ns}/${name}`);
  }

  /**
   * The name of the newest pod of the Job with this uid (the job controller's
   * `batch.kubernetes.io/controller-uid` label: pods of an earlier Job of the same name may still
   * be there), or undefined while it has made none.
   */
  async readJobPodName(ns: string, job: string, uid: string): Promise<string | undefined> {
    const list = await this.call(
      'GET',
      `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`batch.kubernetes.io/controller-uid=${uid}`)}`,
      { verb: 'list', resource: 'pods', namespace: ns },
    );
    const items = (this.ok(list, `list pods of Job ${ns}/${job}`)['items'] ?? []) as {
      metadata: { name: string; creationTimestamp?: string };
    }[];
    return items.sort((a, b) =>
      textOrder(b.metadata.creationTimestamp ?? '', a.metadata.creationTimestamp ?? ''),
    )[0]?.metadata.name;
  }

  /** The log of the Job's newest pod, or undefined when no pod (or no log) is left to read. */
  async readJobLog(ns: string, job: string, uid: string): Promise<string | undefined> {
    const pod = await this.readJobPodName(ns, job, uid);
    if (pod === undefined) return undefined;
    try {
      const log = await this.client.call('GET', `/api/v1/namespaces/${ns}/pods/${pod}/log`, {
        verb: 'get',
        resource: 'pods/log',
        namespace: ns,
      });
      return log.status === 200 ? log.text : undefined;
    } catch (e) {
      // the kubelet may be unreachable; the Job's status still says how it ended
      if (e instanceof ClusterError || e instanceof ForbiddenError) return undefined;
      throw e;
    }
  }

  /** Streams a pod's log as the container writes it, until it ends or `signal` aborts. */
  followPodLog(
    ns: string,
    pod: string,
    onChunk: (text: string) => void,
    signal: AbortSignal,
  ): Promise<boolean> {
    return this.client.follow(
      `/api/v1/namespaces/${ns}/pods/${pod}/log?follow=true`,
      onChunk,
      signal,
    );
  }

  /** A Deployment or StatefulSet as the server has it, managedFields and status included. */
  async readWorkload(w: WorkloadRef): Promise<Record<string, unknown> | undefined> {
    const r = await this.call('GET', workloadPath(w), {
      verb: 'get',
      resource: `${workloadPlural(w.kind)}.apps`,
      namespace: w.namespace,
    });
    if (r.status === 404) return undefined;
    return this.ok(r, `get ${w.kind} ${w.namespace}/${w.name}`);
  }

  /**
   * A JSON merge patch of a Deployment or StatefulSet with our field manager (fix-job scales one
   * this way); a resourceVersion in the patch makes it fail with 409 (`conflict`) when the
   * workload changed since it was read.
   */
  async patchWorkload(
    w: WorkloadRef,
    patch: Record<string, unknown>,
  ): Promise<Record<string, unknown> | 'conflict'> {
    const r = await this.call(
      'PATCH',
      `${workloadPath(w)}?fieldManager=kubectl-volsync-perms`,
      { verb: 'patch', resource: `${workloadPlural(w.kind)}.apps`, namespace: w.namespace },
      patch,
      'application/merge-patch+json',
    );
    if (r.status === 409) return 'conflict';
    return this.ok(r, `patch ${w.kind} ${w.namespace}/${w.name}`);
  }

  /** The Pods of a namespace. */
  async listPods(ns: string): Promise<Record<string, unknown>[]> {
    const r = await this.call('GET', `/api/v1/namespaces/${ns}/pods`, {
      verb: 'list',
      resource: 'pods',
      namespace: ns,
    });
    return (this.ok(r, `list pods in namespace ${ns}`)['items'] ?? []) as Record<string, unknown>[];
  }

  /** The HorizontalPodAutoscalers of a namespace (none where autoscaling/v2 is not served). */
  async listAutoscalers(ns: string): Promise<Record<string, unknown>[]> {
    const r = await this.call(
      'GET',
      `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
      { verb: 'list', resource: 'horizontalpodautoscalers.autoscaling', namespace: ns },
    );
    if (r.status === 404) return [];
    return (this.ok(r, `list horizontalpodautoscalers in namespace ${ns}`)['items'] ??
      []) as Record<string, unknown>[];
  }

  /**
   * A request these commands cannot do without: RBAC refusing it ends the command (exit 4) with
   * the permission to ask for, where a read-only command would report a gap.
   */
  private async call(...args: Parameters<KubeClient['call']>): ReturnType<KubeClient['call']> {
    try {
      return await this.client.call(...args);
    } catch (e) {
      if (e instanceof ForbiddenError)
        throw new AccessError(
          `RBAC forbids ${e.permission}: ${e.serverMessage}; ask a cluster admin for that permission`,
        );
      throw e;
    }
  }

  private ok(
    r: { status: number; object: Record<string, unknown> | undefined; text: string },
    what: string,
  ): Record<string, unknown> {
    if (r.status >= 200 && r.status < 300 && r.object) return r.object;
    throw new ClusterError(
      `${what}: the server answered ${r.status}: ${r.text}; fix the request or retry`,
    );
  }
}

/** MutatingAdmissionPolicyBinding → mutatingadmissionpolicybindings */
const policyPlural = (kind: string) =>
  kind
    .toLowerCase()
    .replace(/policy$/, 'policies')
    .replace(/binding$/, 'bindings');

const jobPath = (ns: string, name: string) => `/apis/batch/v1/namespaces/${ns}/jobs/${name}`;

/** A workload fix-job scales: a Deployment or a StatefulSet. */
export interface WorkloadRef {
  kind: 'Deployment' | 'StatefulSet';
  namespace: string;
  name: string;
}

const workloadPlural = (kind: WorkloadRef['kind']) =>
  kind === 'Deployment' ? 'deployments' : 'statefulsets';

const workloadPath = (w: WorkloadRef) =>
  `/apis/apps/v1/namespaces/${w.namespace}/${workloadPlural(w.kind)}/${w.name}`;
