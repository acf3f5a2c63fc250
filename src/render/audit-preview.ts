import { auditCapabilities } from '../core/plans/audit-job.js';
import type { AuditPlan } from '../core/plans/audit-plan.js';
import { describeVolume } from '../core/plans/volume-target.js';
import type { ServerDryRun } from '../core/snapshot.js';
import type { Paint } from './color.js';
import { placementText, sccText } from './fix-job-preview.js';
import { renderManifestYaml } from './json.js';
import { renderTable } from './table.js';

/**
 * How the audit may read the volume and what each choice costs (k8s-identity §5.4, §6): the
 * price is the Pod Security level the namespace must allow, and what stays unread.
 */
const choices: [string, string, string, string][] = [
  [
    'UID 0, DAC_OVERRIDE (default)',
    'every file on local storage and on NFS without root squashing',
    'baseline',
    'the mount is read-only, so its write bypass is unused',
  ],
  [
    'UID 0, DAC_READ_SEARCH',
    'the same, read-only by itself',
    'privileged',
    'not in baseline; not offered, DAC_OVERRIDE reads as much',
  ],
  [
    '--run-as UID:GID, none',
    'what UID:GID can read; the rest is reported as not walked',
    'restricted',
    'the only choice under root_squash that reads the owner\u2019s 0600 files',
  ],
];

export interface AuditPreviewFacts {
  serverDryRun?: ServerDryRun;
  serverDryRunSkipped?: string;
}

/** The audit Job in words, the choices it had, then the Job exactly as --run creates it. */
export function renderAuditPreview(p: AuditPlan, facts: AuditPreviewFacts, paint: Paint): string {
  const t = p.target;
  const meta = p.job['metadata'] as { name: string; namespace: string };
  const caps = auditCapabilities(p.options);
  const a = p.options.access;
  const s = p.podSecurity;
  const level =
    s.label === undefined
      ? `namespace ${t.namespace} sets no enforce level (the cluster default applies, privileged unless configured)`
      : s.level === undefined
        ? `namespace ${t.namespace} enforces ${JSON.stringify(s.label)}, which Pod Security does not know`
        : `namespace ${t.namespace} enforces ${s.level}`;
  const rows: [string, string][] = [
    [
      'volume',
      `${describeVolume(t.volume)} (${t.purpose}), mounted ${p.options.probe ? 'read-write for the probe' : 'read-only'} at /volume`,
    ],
    [
      'runs as',
      `${a.kind === 'as' ? `${a.uid}:${a.gid}` : 'UID 0'} with ${caps.join(', ') || 'no capabilities'}; no privilege escalation, read-only root filesystem, RuntimeDefault seccomp, no ServiceAccount token`,
    ],
    [
      'writes',
      p.options.probe
        ? 'one temporary file in the volume root, created as UID 0 and as the root\u2019s owner, stat\u2019ed and removed (the squash probe)'
        : 'nothing',
    ],
    ['image', `${p.options.image} (${p.imageFrom}); perl walks the tree, the image has no find`],
    ['placement', placementText(p.options.placement)],
    [
      'pod security',
      s.admitted
        ? `${level}: admits the Job's pods`
        : `${level}: rejects the Job's pods (${s.verdict.violations.map((v) => v.split(':')[0]).join(', ')}); --run-as UID:GID needs only restricted`,
    ],
    ...(s.scc ? [['openshift scc', sccText(s.scc, t.namespace)] as [string, string]] : []),
    [
      'server dry-run',
      facts.serverDryRunSkipped ??
        (facts.serverDryRun === undefined
          ? 'not run (offline source)'
          : facts.serverDryRun.admitted
            ? "the API server admits the Job's pod"
            : `rejected: ${facts.serverDryRun.message}`),
    ],
    [
      'output',
      'a summary of at most a few hundred lines in its log, whatever the volume holds; deleted when read',
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const head = `${paint.bold(`Job ${meta.namespace}/${meta.name}`)} audits the files of a volume\n`;
  const body = rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)}${v}\n`).join('');
  const table = renderTable(
    ['HOW IT READS', 'WHAT IT READS', 'POD SECURITY', 'NOTE'],
    choices.map((c) => [...c]),
  )
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
  const squash =
    '  Under root_squash or all_squash no capability helps: UID 0 reads as the anonymous user (k8s-identity §4.3).\n';
  return `${head}${body}\nHow it can read the volume, and what each choice costs:\n${table}${squash}---\n${renderManifestYaml(p.job)}`;
}
