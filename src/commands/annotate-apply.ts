import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../adapters/cluster/client.js';
import { ClusterWrites } from '../adapters/cluster/writes.js';
import { policyInForce } from '../core/admission/scope-policy.js';
import { verifyAnnotatePlan, type AnnotatePlan } from '../core/plans/annotate.js';
import type { Snapshot } from '../core/snapshot.js';
import { ApplyRefused, CliError, exitCodes } from '../errors.js';
import { renderAnnotateVerification } from '../render/annotate-preview.js';
import { write, type Deps } from './deps.js';
import type { AnnotateArgs } from './annotate.js';

/** What the preview promised, to check nothing moved between the preview and the write. */
const promise = (p: AnnotatePlan) =>
  JSON.stringify([p.movers, p.annotations, p.roles, p.objects, p.deletes]);

/**
 * Writes the plan: re-plans from a fresh read and refuses if anything moved since the preview,
 * applies the annotations (server-side apply; removals by merge patch), then asks the API server
 * with dryRun=All what each mover's pod would now run as and compares it with the plan.
 */
export async function applyAnnotatePlan(
  a: AnnotateArgs,
  deps: Deps,
  plan: AnnotatePlan,
  client: KubeClient,
  replan: () => Promise<AnnotatePlan>,
  readWithDryRun: () => Promise<Snapshot>,
): Promise<number> {
  const ns = plan.namespace;
  const again = await replan();
  if (promise(again) !== promise(plan))
    throw new ApplyRefused(
      `Namespace ${ns}: the namespace or its movers changed since the preview; run the command again and review the new preview`,
    );
  const writes = new ClusterWrites(client);
  if (plan.objects.length === 0 && plan.deletes.length === 0)
    deps.stderr.write(`Namespace ${ns}: already as asked; nothing changed\n`);
  // the policy first: the others must never run privileged between the two writes
  for (const o of plan.objects) {
    if (o['kind'] === 'Namespace') continue;
    const name = (o['metadata'] as { name: string }).name;
    const r = await writes.applyPolicyObject(
      o as Parameters<ClusterWrites['applyPolicyObject']>[0],
    );
    if (r !== 'ok')
      throw new ApplyRefused(
        `${String(o['kind'])} ${name}: another field manager owns it (${r.conflict}); delete it or change it where that manager takes it from`,
      );
    deps.stderr.write(
      `${String(o['kind']).toLowerCase()}.admissionregistration.k8s.io/${name} applied (field manager kubectl-volsync-perms)\n`,
    );
  }
  if (plan.probe) await waitPolicyActive(client, plan.probe);
  await annotate(deps, writes, plan);
  for (const d of plan.deletes) {
    await writes.deletePolicyObject(d);
    deps.stderr.write(`${d.kind.toLowerCase()}.admissionregistration.k8s.io/${d.name} deleted\n`);
  }
  if (a['prune-stale-grants'])
    for (const role of plan.staleRoles) {
      await writes.deleteRole(ns, role);
      deps.stderr.write(
        `role.rbac.authorization.k8s.io/${role} deleted in namespace ${ns}; VolSync recreates it without the SCC rule\n`,
      );
    }
  return verify(deps, plan, await readWithDryRun());
}

/** The Namespace's annotations: set by server-side apply, removed by merge patch. */
async function annotate(deps: Deps, writes: ClusterWrites, plan: AnnotatePlan): Promise<void> {
  const ns = plan.namespace;
  const sets = Object.fromEntries(
    Object.entries(plan.annotations).filter((e): e is [string, string] => e[1] !== null),
  );
  const removals = Object.entries(plan.annotations).filter(([, v]) => v === null);
  if (Object.keys(sets).length > 0) {
    const r = await writes.applyNamespaceAnnotations(ns, sets);
    if (r !== 'ok')
      throw new ApplyRefused(
        `Namespace ${ns}: another field manager owns these annotations (${r.conflict}); change them where that manager takes them from (GitOps), or use -o yaml`,
      );
  }
  if (removals.length > 0)
    if (
      (await writes.patchNamespace(ns, {
        metadata: { annotations: Object.fromEntries(removals) },
      })) === 'conflict'
    )
      throw new ApplyRefused(
        `Namespace ${ns}: changed while it was written; run the command again`,
      );
  if (Object.keys(plan.annotations).length > 0)
    deps.stderr.write(`namespace/${ns} annotated (field manager kubectl-volsync-perms)\n`);
}

/**
 * The API server starts enforcing a new admission policy a moment after it is stored; until the
 * dry run of a privileged pod of a mover outside the scope (another mover's, or one added later,
 * never created) comes back demoted (or rejected), the Namespace is not annotated.
 */
async function waitPolicyActive(
  client: KubeClient,
  probe: NonNullable<AnnotatePlan['probe']>,
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (
      policyInForce(
        probe.expect,
        probe.namespace,
        await client.dryRunPod(probe.namespace, probe.manifest),
      )
    )
      return;
    if (Date.now() > until)
      throw new CliError(
        `the admission policy of namespace ${probe.namespace} is stored but not in force after ${timeoutMs / 1000} s (the dry run of a privileged pod of ${probe.subject}, outside the scope, is not ${probe.expect === 'deny' ? 'rejected' : 'demoted'}), so the Namespace was not annotated; run the command again`,
        exitCodes.cluster,
      );
    await sleep(500);
  }
}

/** Prints the verification; a mover rejected or admitted otherwise than planned ends in exit 4. */
function verify(deps: Deps, plan: AnnotatePlan, snapshot: Snapshot): number {
  const results = verifyAnnotatePlan(plan, snapshot);
  write(deps.stdout, renderAnnotateVerification(results));
  const bad = results.filter((r) => r.outcome === 'rejected' || r.outcome === 'differs').length;
  if (bad > 0)
    throw new CliError(
      `Namespace ${plan.namespace}: ${bad} mover${bad > 1 ? 's' : ''} would not run as planned (above); an admission webhook or policy decides otherwise`,
      exitCodes.cluster,
    );
  return exitCodes.ok;
}
