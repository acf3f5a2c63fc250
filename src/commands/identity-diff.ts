import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { readTreeAt } from '../adapters/git/export-ref.js';
import { diffIdentities } from '../core/report/identity-diff.js';
import { resolveReport, type Scope } from '../core/report/resolve-report.js';
import type { Report } from '../core/report/types.js';
import { renderIdentityDiff, renderIdentityDiffDocument } from '../render/identity-diff.js';
import { write, type Deps } from './deps.js';
import { exitCodeFor } from './exit-code.js';
import type { ExplainArgs } from './explain.js';
import { openSource } from './source.js';

/**
 * `explain --diff-against REF`: the same sources read at REF (from git, into a temporary
 * directory), and the movers whose identity differs. The exit code is the current state's, so
 * `--exit-code` still gates on its findings.
 */
export async function runIdentityDiff(
  a: ExplainArgs,
  ref: string,
  current: Report,
  scope: Scope,
  deps: Deps,
): Promise<number> {
  const given = a.flux ?? a.kustomize ?? a.filename;
  const paths = Array.isArray(given) ? given : [given];
  const tree = await readTreeAt(ref, paths, process.cwd());
  let before: Report;
  try {
    const at = {
      ...a,
      ...(a.flux !== undefined && { flux: tree.paths[0] }),
      ...(a.kustomize !== undefined && { kustomize: tree.paths[0] }),
      ...(a.filename.length > 0 && { filename: tree.paths }),
    };
    // the warnings of the old tree are the old tree's; the current ones were printed
    const source = await openSource(at, { ...deps, stderr: new PassThrough() });
    before = resolveReport(await source.read(scope), scope);
  } finally {
    await rm(tree.dir, { recursive: true, force: true });
  }
  const changes = diffIdentities(before, current);
  if (a.output === 'json' || a.output === 'yaml')
    write(deps.stdout, renderIdentityDiffDocument(changes, ref, a.output));
  else if (changes.length === 0)
    deps.stderr.write(`No mover changes its identity against ${ref}.\n`);
  else write(deps.stdout, renderIdentityDiff(changes));
  return exitCodeFor(current, a);
}
