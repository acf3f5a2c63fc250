import type {
  AnnotatePlan,
  IdentityView,
  MoverChange,
  MoverVerification,
} from '../core/plans/annotate.js';
import type { NamespacePatch } from '../core/plans/namespace-patch.js';
import type { Paint } from './color.js';
import { renderManifestYaml } from './json.js';
import { renderTable } from './table.js';

const id = (n: number | null) => (n === null ? '?' : String(n));
const list = (v: (string | number)[] | null) => (v === null ? '?' : v.length ? v.join(',') : '-');

const cells: Record<keyof IdentityView, (v: IdentityView) => string> = {
  uid: (v) => id(v.uid),
  gid: (v) => id(v.gid),
  groups: (v) => list(v.groups),
  capabilities: (v) => list(v.capabilities),
  podSecurity: (v) => v.podSecurity ?? '?',
};

/** `before → after` where a field changes, else the value once. */
function cell(m: MoverChange, show: (v: IdentityView) => string): string {
  const b = show(m.before);
  const a = show(m.after);
  return a === b ? b : `${b} → ${a}`;
}

function effect(m: MoverChange): string {
  if (m.policy === 'rejected') return 'REJECTED by policy';
  if (m.changed.length === 0) return m.policy === 'demoted' ? 'kept by policy' : '-';
  if (m.named) return 'changes (listed)';
  return m.policy === 'demoted' ? 'demoted by policy' : 'CHANGES';
}

const uidGid = (v: IdentityView) => `${cells.uid(v)}:${cells.gid(v)}`;

/** Every mover now and after, the mechanism, the RBAC effect and the objects to write. */
export function renderAnnotatePreview(plan: AnnotatePlan, paint: Paint): string {
  const rows = plan.movers.map((m) => [
    m.kind === 'ReplicationSource' ? 'rs' : 'rd',
    m.name,
    m.mover ?? '-',
    cell(m, uidGid),
    cell(m, cells.groups),
    cell(m, cells.capabilities),
    cell(m, cells.podSecurity),
    effect(m),
  ]);
  const out: string[] = [];
  out.push(`Namespace ${plan.namespace}: ${plan.mechanism.why}\n`);
  out.push(
    plan.movers.length === 0
      ? 'No movers in this namespace.\n'
      : renderTable(
          ['KIND', 'NAME', 'MOVER', 'UID:GID', 'GROUPS', 'CAPABILITIES', 'POD SECURITY', 'EFFECT'],
          rows,
          (_col, c) =>
            c.includes('→') || c === 'CHANGES' || c.startsWith('REJECTED') ? paint.bold(c) : c,
        ),
  );
  if (plan.roles.length > 0) {
    out.push('\nRBAC (the per-mover Roles VolSync manages):\n');
    for (const r of plan.roles) out.push(`  ${r.role} ${r.effect}\n`);
  }
  if (plan.mechanism.kind === 'refused') {
    out.push('\nRefused. To give the privilege to the listed movers only, split the namespace:\n');
    plan.mechanism.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s}\n`));
    return out.join('');
  }
  const { objects, deletes, namespacePatch } = plan;
  if (objects.length === 0 && deletes.length === 0 && !namespacePatch)
    out.push('\nThe namespace and its policies already say so: nothing to write.\n');
  if (namespacePatch) out.push(`\n${renderNamespacePatch(namespacePatch)}`);
  if (objects.length > 0)
    out.push(`\nObjects to write:\n---\n${objects.map(renderManifestYaml).join('---\n')}`);
  if (deletes.length > 0) {
    out.push('\nObjects to delete (annotate --scoped wrote them; nothing else needs them):\n');
    for (const d of deletes)
      out.push(`  ${d.kind.toLowerCase()}.admissionregistration.k8s.io/${d.name}\n`);
  }
  return out.join('');
}

const shortKind = (kind: string) => (kind === 'ReplicationSource' ? 'rs' : 'rd');
const identity = (v: IdentityView) => `${uidGid(v)} capabilities ${cells.capabilities(v)}`;

/** Each mover as the API server admitted it after the change, against the plan. */
export function renderAnnotateVerification(results: MoverVerification[]): string {
  const lines = results.map((r) => {
    const ref = `${shortKind(r.kind)}/${r.name}`;
    switch (r.outcome) {
      case 'not-asked':
        return `  ${ref}: not verified: the API server was not asked (see the warning above)\n`;
      case 'rejected':
        return `  ${ref}: REJECTED by the API server: ${r.message}\n`;
      case 'rejected-as-planned':
        return `  ${ref}: rejected by the API server, as planned: ${r.message}\n`;
      case 'differs':
        return `  ${ref}: the API server admits it as ${identity(r.actual)}; the plan said ${identity(r.planned)}\n`;
      default:
        return `  ${ref}: the API server admits it as ${identity(r.actual)} (${r.outcome === 'as-planned' ? 'as planned' : 'unchanged'})\n`;
    }
  });
  return `\nVerified with a server-side dry run of each mover's pod:\n${lines.join('')}`;
}

/**
 * The kustomize change for a Namespace a repository renders: the entry to add to the patches of
 * its kustomization (YAML), and the repository's own patches to delete, as comments.
 */
export function renderNamespacePatch(p: NamespacePatch): string {
  const out: string[] = [];
  for (const r of p.remove)
    out.push(`# delete the patch at ${r.at.file}:${r.at.line}: it adds ${r.key}\n`);
  if (p.entry)
    out.push(`# add to the patches of ${p.file}\n${renderManifestYaml({ patches: [p.entry] })}`);
  return out.join('');
}
