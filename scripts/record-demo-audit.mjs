// Records the audit log the --demo embeds (src/adapters/manifests/demo-audit.ts): builds, as root,
// a sandbox copy of the incident's kopia repository (DESIGN.md §1) and runs the real audit walker
// on it. Only what a sandbox cannot be is rewritten afterwards: the times of the run and the
// filesystem record (the sandbox is not the NAS's nfs4 export).
//   sudo node scripts/record-demo-audit.mjs > /tmp/demo-audit.log
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const day = 1795996800; // 2026-11-30T00:00:00Z, the night the five movers ran as UID 0
const root = join(mkdtempSync(join(tmpdir(), 'demo-repo-')), 'kopia');
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const hex = (n) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

function file(rel, uid, gid, size, mtime, perm = 0o600) {
  const p = join(root, rel);
  writeFileSync(p, '', { mode: perm });
  truncateSync(p, size);
  chownSync(p, uid, gid);
  utimesSync(p, mtime, mtime);
}
// directories get their times last: creating a file in one changes its mtime
const dirTimes = [];
function dir(rel, uid, gid, mtime, perm = 0o700) {
  const p = join(root, rel);
  mkdirSync(p, { mode: perm, recursive: true });
  chownSync(p, uid, gid);
  dirTimes.push([p, mtime]);
}

mkdirSync(root, { mode: 0o755 });
const prefixes = Array.from({ length: 24 }, (_, i) => `p${i.toString(16).padStart(2, '0')}`);
// a month of nightly backups at 1000:1000 (0600 blobs in 0700 prefix directories)
for (const p of prefixes) dir(`p/${p}`, 1000, 1000, day - 29 * 86400);
dir('p', 1000, 1000, day - 29 * 86400);
dir('q', 1000, 1000, day - 29 * 86400);
for (let i = 0; i < 9000; i++) {
  const night = day - (29 - (i % 29)) * 86400 + 20 + Math.floor(rand() * 40);
  file(
    `p/${prefixes[i % 24]}/${hex(32)}.f`,
    1000,
    1000,
    64 * 1024 + Math.floor(rand() * 200 * 1024),
    night,
  );
}
for (let i = 0; i < 400; i++)
  file(
    `q/${hex(32)}.f`,
    1000,
    1000,
    4096 + Math.floor(rand() * 8192),
    day - (i % 29) * 86400 - 3600,
  );
// the night of the incident: the five movers at 0:1000 add blobs and new prefix directories
for (let i = 0; i < 12; i++) dir(`p/n${i.toString(16)}`, 0, 1000, day + 25 + i * 2);
for (let i = 0; i < 3214; i++)
  file(
    `p/n${(i % 12).toString(16)}/${hex(32)}.f`,
    0,
    1000,
    8 * 1024 + Math.floor(rand() * 10 * 1024),
    day + 25 + Math.floor(rand() * 34),
  );
file('kopia.repository.f', 1000, 1000, 1210, day - 29 * 86400, 0o600);
chownSync(root, 1000, 1000);
for (const [p, t] of dirTimes) utimesSync(p, t, t);
utimesSync(root, day - 29 * 86400, day - 29 * 86400);

const walker = new URL('../src/core/storage/audit-walk.pl', import.meta.url).pathname;
const log = execFileSync('perl', [walker], {
  env: { ...process.env, AUDIT_ROOT: root, PROGRESS_EVERY: '1000000' },
  encoding: 'utf8',
});
rmSync(join(root, '..'), { recursive: true, force: true });
const started = day + 9 * 3600; // audited the next morning, 09:00
process.stdout.write(
  log
    .split('\n')
    .map((l) =>
      l
        .replace(/"startedAt":\d+/, `"startedAt":${started}`)
        .replace(/"finishedAt":\d+/, `"finishedAt":${started + 3}`)
        .replace(
          /^vpaudit1 \{"t":"filesystem".*$/,
          'vpaudit1 {"t":"filesystem","type":"nfs4","source":"nas.home.arpa:/volsync/kopia","options":"rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,hard,proto=tcp,sec=sys"}',
        )
        .replace(
          /^vpaudit1 \{"t":"auditor".*$/,
          'vpaudit1 {"t":"auditor","uid":0,"gid":0,"groups":[0],"capabilities":["DAC_OVERRIDE"]}',
        ),
    )
    .join('\n'),
);
