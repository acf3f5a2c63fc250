import { fixCapabilities } from '../core/plans/fix-job.js';
import type { FixPlan } from '../core/plans/fix-plan.js';
import { scaleRecordAnnotation } from '../core/plans/scale-record.js';
import type { WorkloadFixPlan } from '../core/plans/workload-fix-plan.js';
import type { ServerDryRun } from '../core/snapshot.js';
import type { Paint } from './color.js';
import { placementText } from './fix-job-preview.js';
import { renderManifestYaml } from './json.js';
import { renderTable } from './table.js';

/** What the preview adds to the plan: the flags asked for and what the API server said. */
export interface WorkloadPreviewFacts {
  relax: boolean;
  /** Per Job name, the API server's dry-run verdict on its pod, or why it was not asked. */
  serverDryRun?: Record<string, ServerDryRun | string>;
}

const duration = (s: number) =>
  s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;

const jobName = (p: FixPlan) => (p.job['metadata'] as { name: string }).name;
const replicas = (n: number) => `${n} replica${n === 1 ? '' : 's'}`;

/** The steps as a table, then what every Job shares and the notes; the Jobs are in -o yaml. */
export function renderWorkloadFixPreview(
  p: WorkloadFixPlan,
  facts: WorkloadPreviewFacts,
  paint: Paint,
): string {
  const w = p.workload;
  const obj = `${w.kind} ${w.namespace}/${w.name}`;
  const n = p.repairs.length;
  const steps: string[][] = [];
  if (p.scales)
    steps.push([
      'scale down',
      obj,
      `${p.replicas} -> 0 replicas, recorded in annotation ${scaleRecordAnnotation}; wait until its pods are gone`,
    ]);
  for (const { claim, plan } of p.repairs)
    steps.push([
      'repair',
      `PersistentVolumeClaim ${w.namespace}/${claim.claimName}`,
      `Job ${jobName(plan)} on ${nodeOf(plan)}`,
    ]);
  if (p.scales)
    steps.push([
      'scale up',
      obj,
      `0 -> ${replicas(p.replicas)}, always: after the repairs, a failed Job, Ctrl-C or --timeout`,
    ]);
  const head = `${paint.bold(obj)}: ${p.scales ? 'stop it, give' : 'give'} its ${n === 1 ? 'claim' : `${n} claims`} the owner ${p.owner.uid}:${p.owner.gid}${p.scales ? ', start it again' : ` (it has 0 replicas: nothing to scale)`}\n\n`;
  const table = renderTable(
    ['STEP', 'ACTION', 'OBJECT', 'DETAIL'],
    steps.map((s, i) => [String(i + 1), ...s]),
  );
  const first = p.repairs[0]?.plan as FixPlan;
  const rows: [string, string][] = [
    ['changes', changesText(first, p.owner)],
    ['storage', perClaim(p, (x) => x.strategy.note)],
    ['runs as', perClaim(p, runsAsText)],
    ['image', `${first.options.image} (${first.imageFrom})`],
    ['pod security', podSecurityText(p, facts.relax)],
    ['server dry-run', dryRunText(p, facts.serverDryRun)],
    [
      'replicas',
      p.replicaSettersChecked
        ? 'no HorizontalPodAutoscaler targets it and no other field manager applies spec.replicas'
        : 'HorizontalPodAutoscalers and field managers are not read from files; --apply checks them on the cluster',
    ],
    [
      'lifetime',
      `one Job at a time, each one attempt, at most ${duration(first.options.deadlineSeconds)}; removed ${duration(first.options.ttlSecondsAfterFinished)} after it ends`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const body = rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
  const claims = p.repairs.map(
    ({ claim, plan }) =>
      `  ${claim.claimName}: ${claim.from}; ${placementText(plan.options.placement)}\n`,
  );
  const unlisted = p.repairs.filter((r) => !r.claim.inInput).map((r) => r.claim.claimName);
  const notes = [
    ...(unlisted.length === 0
      ? []
      : [
          `- ${unlisted.join(', ')}: not in the input (the StatefulSet controller creates the claims of a volumeClaimTemplate, so manifests rarely hold them): the Jobs name them; on a cluster a claim that does not exist gets no Job`,
        ]),
    ...p.skipped.map(
      ({ claim, why }) => `- not repaired: ${claim.claimName} (${claim.from}) ${why}`,
    ),
    ...(p.ownerNote === undefined ? [] : [`- ${p.ownerNote}`]),
    ...p.movers.map(
      (m) =>
        `- ${m.ref} reads or writes ${m.claim}, and stopping ${p.workload.kind} ${p.workload.name} does not stop it: a sync that starts during the repair sees files mid-change; pause it first (kubectl patch ${m.ref.toLowerCase()} -n ${p.workload.namespace} --type merge -p '{"spec":{"paused":true}}') and unpause it after`,
    ),
  ].map((l) => `${l}\n`);
  return `${head}${table}\nclaims:\n${claims.join('')}${body}${notes.length > 0 ? `notes:\n${notes.join('')}` : ''}`;
}

/** The Jobs alone, as --apply creates them: YAML documents, or a v1 List in JSON (kubectl's). */
export function renderWorkloadJobs(p: WorkloadFixPlan, format: 'yaml' | 'json'): string {
  const jobs = p.repairs.map((r) => r.plan.job);
  if (format === 'json')
    return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: jobs }, null, 2)}\n`;
  return jobs.map(renderManifestYaml).join('---\n');
}

function nodeOf(p: FixPlan): string {
  const at = p.options.placement;
  return at.kind === 'node' ? `node ${at.node}` : 'any node';
}

/** One value for every claim, or each claim's. */
function perClaim(p: WorkloadFixPlan, text: (x: FixPlan) => string): string {
  const all = p.repairs.map((r) => text(r.plan));
  if (new Set(all).size === 1) return all[0] ?? '-';
  return p.repairs.map((r, i) => `${r.claim.claimName}: ${all[i] ?? '-'}`).join('; ');
}

function runsAsText(p: FixPlan): string {
  return `${p.strategy.kind === 'chmod' ? `UID ${p.strategy.runAs} (the files' owner) without capabilities` : `UID 0 with ${fixCapabilities.join(', ')} only`}; no privilege escalation, read-only root filesystem, RuntimeDefault seccomp, no ServiceAccount token`;
}

function changesText(p: FixPlan, owner: { uid: number; gid: number }): string {
  const tail = 'symlinks are not followed, other filesystems are left alone';
  if (p.strategy.kind === 'chmod')
    return `the files of UID ${p.strategy.runAs}: group ${owner.gid}, mode ${p.strategy.mode}; ${tail}`;
  return p.options.onlyUid === undefined
    ? `every file not owned by ${owner.uid}:${owner.gid}; ${tail}`
    : `only files owned by UID ${p.options.onlyUid} (--only-uid); ${tail}`;
}

/** One namespace, so one level and, when needed, one relaxation for every Job of the plan. */
function podSecurityText(p: WorkloadFixPlan, relax: boolean): string {
  const ns = p.workload.namespace;
  const rejected = p.repairs.find((r) => !r.plan.podSecurity.admitted)?.plan;
  const s = (rejected ?? p.repairs[0]?.plan)?.podSecurity;
  if (!s) return '-';
  const level =
    s.label === undefined
      ? `namespace ${ns} sets no enforce level (the cluster default applies, privileged unless configured)`
      : s.level === undefined
        ? `namespace ${ns} enforces ${JSON.stringify(s.label)}, which Pod Security does not know`
        : `namespace ${ns} enforces ${s.level}`;
  if (!rejected) return `${level}: admits the Jobs' pods`;
  const why = s.verdict.violations.map((v) => v.split(':')[0]).join(', ');
  const fix = relax
    ? 'with --relax-psa, enforce=baseline is set once for all the Jobs, before the scale-down, recorded on the Namespace and restored before the scale-up'
    : 'pass --relax-psa to set enforce=baseline for the repairs (restored afterwards)';
  return `${level}: rejects the Jobs' pods (${why}); ${fix}`;
}

function dryRunText(
  p: WorkloadFixPlan,
  d: Record<string, ServerDryRun | string> | undefined,
): string {
  if (d === undefined) return 'not run (offline source)';
  const answers = p.repairs.map((r) => ({ claim: r.claim.claimName, a: d[jobName(r.plan)] }));
  const skipped = answers.find((x) => typeof x.a === 'string');
  if (skipped) return skipped.a as string;
  const rejected = answers.filter((x) => typeof x.a === 'object' && !x.a.admitted);
  const [first] = rejected;
  if (!first) return "the API server admits every Job's pod";
  const more = rejected.length - 1;
  return `rejected for ${first.claim}: ${(first.a as { message: string }).message}${
    more > 0
      ? ` (and the Job${more === 1 ? '' : 's'} of ${rejected
          .slice(1)
          .map((x) => x.claim)
          .join(', ')})`
      : ''
  }`;
}
