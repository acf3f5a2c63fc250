import { findingCodes } from '../core/findings/catalogue.js';
import type { LocateField } from '../core/k8s/object.js';
import type { Finding, Report } from '../core/report/types.js';

const level = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF 2.1.0 for code scanning: each distinct finding once, located at the manifest line that
 * causes it (the field when `locate` finds it, else the object's first line).
 */
export function renderSarif(report: Report, version: string, locate?: LocateField): string {
  const seen = new Map<string, { f: Finding; uri?: string; line?: number }>();
  for (const s of report.subjects)
    for (const f of s.findings) {
      const k = `${f.code}\u0000${f.message}`;
      if (seen.has(k)) continue;
      const origin = f.origin ?? s.origin;
      const line = origin && f.field && locate ? locate(origin, f.field) : origin?.line;
      seen.set(k, origin ? { f, uri: origin.file, line } : { f });
    }
  const results = [...seen.values()].map(({ f, uri, line }) => ({
    ruleId: f.code,
    level: level[f.severity],
    message: { text: `${f.message}. Fix: ${f.fix}` },
    ...(uri === undefined
      ? {}
      : {
          locations: [
            { physicalLocation: { artifactLocation: { uri }, region: { startLine: line ?? 1 } } },
          ],
        }),
  }));
  const rules = Object.entries(findingCodes).map(([id, r]) => ({
    id,
    shortDescription: { text: r.title },
    defaultConfiguration: { level: level[r.severity] },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubectl-volsync-perms',
            version,
            informationUri: 'https://github.com/volsync-perms/kubectl-volsync-perms',
            rules,
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
