import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoAuditLog } from './demo-audit.js';
import { demoSnapshot } from './demo-snapshot.js';

describe('the demo', () => {
  it('embeds the recorded audit log that the golden tests read from test/fixtures/audit', () => {
    expect(demoAuditLog).toBe(readFileSync('test/fixtures/audit/incident.log', 'utf8'));
  });

  it('knows the incident export is no_root_squash and carries the audit of its repository', () => {
    const s = demoSnapshot();
    expect(s.storage?.exports.map((e) => `${e.server}:${e.path}=${e.squash.mode}`)).toEqual([
      'nas.home.arpa:/volsync=no_root_squash',
    ]);
    expect(s.storage?.audits.map((a) => a.key)).toEqual(['NFS nas.home.arpa:/volsync/kopia']);
  });
});
