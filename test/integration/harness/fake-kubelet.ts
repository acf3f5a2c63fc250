import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminRequest, type ApiServer } from './kube-api.js';
import { freePort } from './control-plane.js';

/**
 * What the harness lacks to see a Job through: the job controller and a kubelet. This plays both
 * for one Job at a time: it creates the Job's Pod on a Node whose kubelet endpoint is this HTTPS
 * server, runs the container's real command here (the Job's own script and env, with its volume
 * replaced by a local directory, as the UID, GID and capabilities its securityContext gives), serves the output as the container log through the API server's
 * own pods/log proxy, and writes the statuses the controllers would write.
 */
export interface FakeKubelet {
  node: string;
  /**
   * Runs the Job's pod to completion with `volume` as its one volume, its log readable for
   * `runningMs` before the Job ends; returns the exit code.
   */
  runJob(ns: string, job: string, volume: string, runningMs?: number): Promise<number>;
  /** The container log of the last Job it ran (what `kubectl logs job/NAME` prints). */
  lastLog(): string;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startFakeKubelet(cp: ApiServer, node: string): Promise<FakeKubelet> {
  const logs = new Map<string, string>();
  let last = '';
  const port = await freePort();
  const server: Server = createServer(
    {
      cert: readFileSync(join(cp.dir, 'certs', 'apiserver.crt')),
      key: readFileSync(join(cp.dir, 'certs', 'apiserver.key')),
    },
    (req, res) => {
      // /containerLogs/{namespace}/{pod}/{container}
      const [, kind, ns, pod] = (req.url ?? '').split('?')[0]?.split('/') ?? [];
      const log = kind === 'containerLogs' ? logs.get(`${ns}/${pod}`) : undefined;
      res.writeHead(log === undefined ? 404 : 200, { 'Content-Type': 'text/plain' });
      res.end(log ?? 'not found');
    },
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await must(adminRequest(cp, 'POST', '/api/v1/nodes', { metadata: { name: node } }), 'node');
  const nodeObj = JSON.parse((await adminRequest(cp, 'GET', `/api/v1/nodes/${node}`)).body) as Json;
  await must(
    adminRequest(cp, 'PUT', `/api/v1/nodes/${node}/status`, {
      ...nodeObj,
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: port } },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      },
    }),
    'node status',
  );

  return {
    node,
    async runJob(ns, job, volume, runningMs = 2500) {
      const jobObj = JSON.parse(
        (await adminRequest(cp, 'GET', `/apis/batch/v1/namespaces/${ns}/jobs/${job}`)).body,
      ) as { metadata: { uid: string }; spec: { template: { metadata: Json; spec: Json } } };
      const { template } = jobObj.spec;
      const created = await must(
        adminRequest(cp, 'POST', `/api/v1/namespaces/${ns}/pods`, {
          metadata: {
            ...template.metadata,
            generateName: `${job}-`,
            labels: {
              ...(template.metadata['labels'] as Json),
              'batch.kubernetes.io/job-name': job,
              'batch.kubernetes.io/controller-uid': jobObj.metadata.uid,
            },
          },
          spec: { ...template.spec, nodeName: node },
        }),
        'pod',
      );
      const pod = JSON.parse(created.body) as Json & {
        metadata: { name: string };
        spec: { containers: PodContainer[] };
      };
      const c = pod.spec.containers[0];
      if (!c) throw new Error('the Job pod has no container');
      // the volume's mount path, wherever the container's env names it, is the local directory
      const mounts = new Set((c.volumeMounts ?? []).map((m) => m.mountPath));
      const env = Object.fromEntries(
        (c.env ?? []).map((e) => [e.name, mounts.has(e.value) ? volume : e.value]),
      );
      const [cmd, args] = asContainerUser(c);
      const r = spawnSync(cmd, args, {
        env: { PATH: process.env['PATH'], ...env },
        encoding: 'utf8',
      });
      last = r.stdout + r.stderr;
      logs.set(`${ns}/${pod.metadata.name}`, last);
      // the pod "runs" a moment, so that a tool polling the Job sees it before it ends
      await sleep(runningMs);
      const ok = r.status === 0;
      const now = new Date().toISOString();
      await must(
        adminRequest(cp, 'PUT', `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/status`, {
          ...pod,
          status: { phase: ok ? 'Succeeded' : 'Failed' },
        }),
        'pod status',
      );
      const latest = JSON.parse(
        (await adminRequest(cp, 'GET', `/apis/batch/v1/namespaces/${ns}/jobs/${job}`)).body,
      ) as Json;
      const conditions = ok
        ? [
            { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now },
            { type: 'Complete', status: 'True', lastTransitionTime: now },
          ]
        : [
            {
              type: 'FailureTarget',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              lastTransitionTime: now,
            },
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              lastTransitionTime: now,
            },
          ];
      await must(
        adminRequest(cp, 'PUT', `/apis/batch/v1/namespaces/${ns}/jobs/${job}/status`, {
          ...latest,
          status: {
            startTime: now,
            ...(ok ? { completionTime: now, succeeded: 1 } : { failed: 1 }),
            conditions,
          },
        }),
        'job status',
      );
      return r.status ?? -1;
    },
    lastLog: () => last,
    async stop() {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await adminRequest(cp, 'DELETE', `/api/v1/nodes/${node}`);
    },
  };
}

interface PodContainer {
  command: string[];
  env?: { name: string; value: string }[];
  volumeMounts?: { mountPath: string }[];
  securityContext?: { runAsUser?: number; runAsGroup?: number; capabilities?: { add?: string[] } };
}

/**
 * The container's command as its securityContext runs it: as root (CI), setpriv gives the process
 * exactly its UID, GID and capabilities, as the runtime would (k8s-identity §5.2-5.3), with
 * no_new_privs for allowPrivilegeEscalation: false.
 */
function asContainerUser(c: PodContainer): [string, string[]] {
  const [cmd = 'false', ...args] = c.command;
  if (process.getuid?.() !== 0) return [cmd, args];
  const sc = c.securityContext ?? {};
  const caps = (sc.capabilities?.add ?? []).map((x) => `,+${x.toLowerCase()}`).join('');
  return [
    'setpriv',
    [
      `--reuid=${sc.runAsUser ?? 0}`,
      `--regid=${sc.runAsGroup ?? 0}`,
      '--clear-groups',
      '--inh-caps=-all',
      `--bounding-set=-all${caps}`,
      '--no-new-privs',
      cmd,
      ...args,
    ],
  ];
}

async function must(p: Promise<{ status: number; body: string }>, what: string) {
  const r = await p;
  if (r.status >= 300)
    throw new Error(`fake kubelet: ${what}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return r;
}
