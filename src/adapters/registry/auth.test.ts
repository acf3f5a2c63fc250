import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerConfigCredential, parseChallenge } from './auth.js';
import { parseGroup, parsePasswd } from './read-images.js';

describe('registry authentication', () => {
  it('reads the bearer challenge ghcr.io, Docker Hub and quay.io send', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:a/b:pull' },
    });
    expect(parseChallenge('Basic realm="Registry"')?.scheme).toBe('basic');
    expect(parseChallenge('Negotiate')).toBeUndefined();
  });

  it('finds docker login credentials, Docker Hub under its historical key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': {
            auth: Buffer.from('hub:pw:with:colons').toString('base64'),
          },
          'reg.example:5000': { username: 'u', password: 'p' },
          'id.example': { identitytoken: 't' },
        },
      }),
    );
    const env = { DOCKER_CONFIG: dir };
    expect(dockerConfigCredential('docker.io', env)).toEqual({
      kind: 'basic',
      username: 'hub',
      password: 'pw:with:colons',
    });
    expect(dockerConfigCredential('reg.example:5000', env)?.kind).toBe('basic');
    expect(dockerConfigCredential('id.example', env)).toEqual({
      kind: 'identity-token',
      token: 't',
    });
    expect(dockerConfigCredential('other.example', env)).toBeUndefined();
  });
});

describe('docker credential helpers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cred-helper-'));
  writeFileSync(
    join(dir, 'docker-credential-fake'),
    '#!/bin/sh\nread server\n[ "$server" = "reg.example" ] && echo \'{"Username":"u","Secret":"s"}\' || exit 1\n',
    { mode: 0o755 },
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      credHelpers: { 'reg.example': 'fake' },
      auths: { 'reg.example': { username: 'file', password: 'f' } },
    }),
  );
  const env = { DOCKER_CONFIG: dir, PATH: `${dir}:${process.env['PATH'] ?? ''}` };

  it('runs the helper only when asked, with the registry on stdin', () => {
    expect(dockerConfigCredential('reg.example', env, true)).toEqual({
      kind: 'basic',
      username: 'u',
      password: 's',
    });
    expect(dockerConfigCredential('reg.example', env, false)).toEqual({
      kind: 'basic',
      username: 'file',
      password: 'f',
    });
  });
});

describe('/etc/passwd and /etc/group as the runtime reads them', () => {
  it('keeps well-formed entries only', () => {
    expect(
      parsePasswd('root:x:0:0:root:/root:/bin/sh\n# comment\nbad\napp:x:1000:1000::/:\n'),
    ).toEqual([
      { name: 'root', uid: 0, gid: 0 },
      { name: 'app', uid: 1000, gid: 1000 },
    ]);
    expect(parseGroup('root:x:0:\nbackup:x:34:app,other\n')).toEqual([
      { name: 'root', gid: 0, members: [] },
      { name: 'backup', gid: 34, members: ['app', 'other'] },
    ]);
    expect(parsePasswd(null)).toEqual([]);
  });
});
