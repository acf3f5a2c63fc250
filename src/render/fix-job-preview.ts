import type { SccOutcome } from '../core/admission/openshift.js';
import { fixCapabilities } from '../core/plans/fix-job.js';
import type { FixPlan } from '../core/plans/fix-plan.js';
import { describeVolume, type Placement } from '../core/plans/fix-target.js';
import type { ServerDryRun } from '../core/snapshot.js';
import type { Paint } from './color.js';
import { renderManifestYaml } from './json.js';

/** What the preview adds to the plan: the flags asked for and what the API server said. */
export interface FixJobPreviewFacts {
  relax: boolean;
  /** What the API server answered to the Job's pod with dryRun=All; undefined offline. */
  serverDryRun?: ServerDryRun;
  /** Why the dry run could not be asked, on a cluster. */
  serverDryRunSkipped?: string;
}

const duration = (s: number) =>
  s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;

/** The plan in words, then the Job exactly as --apply would create it. */
export function renderFixJobPreview(p: FixPlan, facts: FixJobPreviewFacts, paint: Paint): string {
  const t = p.target;
  const meta = p.job['metadata'] as { name: string; namespace: string };
  const rows: [string, string][] = [
    ['volume', t.mover ? `${describeVolume(t.volume)} (${t.purpose})` : describeVolume(t.volume)],
    ['owner', `${t.owner.uid}:${t.owner.gid} (from ${t.owner.from})`],
    ['changes', changesText(p)],
    ['storage', p.strategy.note],
    [
      'runs as',
      `${p.strategy.kind === 'chmod' ? `UID ${p.strategy.runAs} (the files' owner) without capabilities` : `UID 0 with ${fixCapabilities.join(', ')} only`}; no privilege escalation, read-only root filesystem, RuntimeDefault seccomp, no ServiceAccount token`,
    ],
    ['image', `${p.options.image} (${p.imageFrom})`],
    ['placement', placementText(p.options.placement)],
    ['pod security', podSecurityText(p, facts.relax, t.namespace)],
    ...(p.podSecurity.scc
      ? [['openshift scc', sccText(p.podSecurity.scc, t.namespace)] as [string, string]]
      : []),
    ['server dry-run', facts.serverDryRunSkipped ?? dryRunText(facts.serverDryRun)],
    [
      'lifetime',
      `one attempt, at most ${duration(p.options.deadlineSeconds)}; removed ${duration(p.options.ttlSecondsAfterFinished)} after it ends`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const head = `${paint.bold(`Job ${meta.namespace}/${meta.name}`)} repairs file ownership\n`;
  const body = rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)}${v}\n`).join('');
  return `${head}${body}---\n${renderManifestYaml(p.job)}`;
}

function changesText(p: FixPlan): string {
  const t = p.target;
  const st = p.strategy;
  const tail = 'symlinks are not followed, other filesystems are left alone';
  const owners = st.owners.map((o) => `${o.uid}:${o.gid}`).join(', ');
  const from = p.audit === undefined ? '' : ` (the classes the audit found: ${p.audit})`;
  if (st.kind === 'chmod')
    return `the files of UID ${st.runAs}${owners === '' ? '' : ` owned ${owners}`}: group ${t.owner.gid}, mode ${st.mode}${from}; ${tail}`;
  if (owners !== '')
    return `only files owned ${owners}${from} get ${t.owner.uid}:${t.owner.gid}; ${tail}`;
  if (p.audit !== undefined)
    return `nothing: every file the audit found is owned ${t.owner.uid}:${t.owner.gid} (${p.audit})`;
  return p.options.onlyUid === undefined
    ? `every file not owned by ${t.owner.uid}:${t.owner.gid}; ${tail}`
    : `only files owned by UID ${p.options.onlyUid} (--only-uid); ${tail}`;
}

/** What OpenShift's SCC admission does with a Job's pod, and what to do when it needs more. */
export function sccText(scc: SccOutcome, ns: string): string {
  if (scc.rejected) return `rejected: ${scc.rejected}`;
  if (scc.scc !== null) return scc.note;
  return `its pod needs an SCC beyond restricted-v2 (UID 0 or added capabilities); grant the namespace's default ServiceAccount one (e.g. oc adm policy add-scc-to-user anyuid -z default -n ${ns}) for the Job's lifetime, or read the server dry run on the cluster`;
}

export function placementText(p: Placement): string {
  if (p.kind === 'node') return `node ${p.node} (${p.why})`;
  if (p.kind === 'unknown') return `any node; ${p.why}`;
  return `any node (${p.why})`;
}

function podSecurityText(p: FixPlan, relax: boolean, ns: string): string {
  const s = p.podSecurity;
  const level =
    s.label === undefined
      ? `namespace ${ns} sets no enforce level (the cluster default applies, privileged unless configured)`
      : s.level === undefined
        ? `namespace ${ns} enforces ${JSON.stringify(s.label)}, which Pod Security does not know`
        : `namespace ${ns} enforces ${s.level}`;
  if (s.admitted) return `${level}: admits the Job's pods`;
  const why = s.verdict.violations.map((v) => v.split(':')[0]).join(', ');
  const fix = relax
    ? "with --relax-psa, enforce=baseline is set for the Job's lifetime, recorded on the Namespace and restored afterwards"
    : "pass --relax-psa to set enforce=baseline for the Job's lifetime (restored afterwards)";
  return `${level}: rejects the Job's pods (${why}); ${fix}`;
}

function dryRunText(d: ServerDryRun | undefined): string {
  if (d === undefined) return 'not run (offline source)';
  return d.admitted ? "the API server admits the Job's pod" : `rejected: ${d.message}`;
}
