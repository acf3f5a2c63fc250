import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  entrypointImages,
  findEntrypointImage,
  resolveEntrypointIdentity,
  type EntrypointStart,
  type EntrypointSwitch,
} from './entrypoint-images.js';

const digest = `sha256:${'b'.repeat(64)}`;
const root: EntrypointStart = { uid: 0 };
const unknownStart: EntrypointStart = { uid: null };
const asUser = (uid: number): EntrypointStart => ({ uid });
const readOnly = (value: boolean | null): EntrypointStart => ({
  uid: 0,
  readOnlyRootFilesystem: value,
});

const resolve = (image: string, env: Record<string, string> = {}, startsAs = root) =>
  resolveEntrypointIdentity(image, env, startsAs);
/** uid, gid, umask, applies: what a case table compares. */
const outcome = (r: EntrypointSwitch | null) => r && [r.uid, r.gid, r.umask, r.applies];

describe('which images the entrypoint table knows, in every form they are written', () => {
  it.each([
    ['lscr.io/linuxserver/sonarr:latest', 'linuxserver.io'],
    ['ghcr.io/linuxserver/sonarr', 'linuxserver.io'],
    ['linuxserver/sonarr:4.0.16', 'linuxserver.io'],
    [`docker.io/linuxserver/sonarr@${digest}`, 'linuxserver.io'],
    ['index.docker.io/linuxserver/sonarr', 'linuxserver.io'],
    ['ghcr.io/hotio/sonarr:release', 'hotio'],
    ['hotio/qbittorrent', 'hotio'],
    ['jlesage/firefox:v26.03.2', 'jlesage'],
    ['ghcr.io/jlesage/makemkv', 'jlesage'],
    ['binhex/arch-sonarr', 'binhex'],
    ['quay.io/binhex/arch-delugevpn:latest', 'binhex'],
    ['postgres', 'postgres'],
    ['postgres:16-alpine', 'postgres'],
    ['docker.io/library/postgres:16', 'postgres'],
    ['docker.io/postgres:16', 'postgres'],
    ['index.docker.io/library/postgres', 'postgres'],
    [`postgres:16@${digest}`, 'postgres'],
    ['mariadb:11.4', 'mariadb'],
    ['mysql:8.4', 'mysql'],
    ['redis:7-alpine', 'redis'],
    ['mongo:8.0', 'mongo'],
    ['rabbitmq:4-management', 'rabbitmq'],
    ['cassandra:5.0', 'cassandra'],
    ['influxdb:2.7', 'influxdb'],
  ])('%s belongs to %s', (image, family) => {
    expect(findEntrypointImage(image)?.family).toBe(family);
    expect(resolve(image)?.family).toBe(family);
  });

  it.each([
    'bitnami/postgresql:16',
    'ghcr.io/library/postgres',
    'postgresql',
    'registry.example.com/linuxserver/sonarr',
    'binhex/other-thing',
    'quay.io/backube/volsync:0.17.0',
    'Postgres',
  ])('%s is not in the table, so there is no entrypoint switch to report', (image) => {
    expect(resolve(image, { PUID: '1000' })).toBeNull();
  });
});

describe('images that take their identity from environment variables', () => {
  it.each([
    [
      'a linuxserver image with PUID=1000 writes as 1000 when it starts as root',
      'lscr.io/linuxserver/sonarr',
      { PUID: '1000', PGID: '1000' },
      root,
      [1000, 1000, null, true],
      'PUID=1000 (env)',
    ],
    [
      'a linuxserver image without PUID writes as the default 911',
      'linuxserver/sonarr',
      {},
      root,
      [911, 911, null, true],
      'default 911 (no PUID)',
    ],
    [
      'a linuxserver image treats an empty PUID as unset',
      'linuxserver/sonarr',
      { PUID: '', PGID: '' },
      root,
      [911, 911, null, true],
      'default 911 (no PUID)',
    ],
    [
      'a linuxserver image applies UMASK only when it is set',
      'linuxserver/sonarr',
      { UMASK: '022' },
      root,
      [911, 911, 0o022, true],
      'UMASK=022 (env)',
    ],
    [
      'a linuxserver image with PUID=0 keeps root',
      'linuxserver/sonarr',
      { PUID: '0' },
      root,
      [0, 911, null, true],
      'PUID=0 (env)',
    ],
    [
      'a linuxserver image that may not start as root gives the identity it would switch to',
      'linuxserver/sonarr',
      { PUID: '1000' },
      unknownStart,
      [1000, 911, null, null],
      'PUID=1000 (env)',
    ],
    [
      'a linuxserver image started as 1000 runs as-is and ignores PUID and UMASK',
      'linuxserver/sonarr',
      { PUID: '568', UMASK: '002' },
      asUser(1000),
      [null, null, null, false],
      'not root',
    ],
    [
      'a hotio image without variables writes as 1000:1000 with umask 002',
      'ghcr.io/hotio/sonarr',
      {},
      root,
      [1000, 1000, 0o002, true],
      'default umask 0002 (no UMASK)',
    ],
    [
      'a hotio image with PUID/PGID/UMASK writes as they say',
      'ghcr.io/hotio/radarr',
      { PUID: '568', PGID: '568', UMASK: '022' },
      root,
      [568, 568, 0o022, true],
      'PGID=568 (env)',
    ],
    [
      'a jlesage image without variables writes as 1000:1000 with umask 0022',
      'jlesage/firefox',
      {},
      root,
      [1000, 1000, 0o022, true],
      'default 1000 (no USER_ID)',
    ],
    [
      'a jlesage image reads USER_ID, GROUP_ID and UMASK',
      'jlesage/firefox',
      { USER_ID: '99', GROUP_ID: '100', UMASK: '0000' },
      root,
      [99, 100, 0, true],
      'USER_ID=99 (env)',
    ],
    [
      'a binhex image without variables writes as 99:100 with umask 000',
      'binhex/arch-sonarr',
      {},
      root,
      [99, 100, 0, true],
      'default 99 (no PUID)',
    ],
    [
      'a binhex image trims blanks around PUID',
      'binhex/arch-sonarr',
      { PUID: ' 1000\t', PGID: '1000' },
      root,
      [1000, 1000, 0, true],
      'PUID=1000 (env)',
    ],
  ])('%s', (_name, image, env, startsAs, expected, from) => {
    const r = resolve(image, env, startsAs);
    expect(outcome(r)).toEqual(expected);
    expect(r?.from).toContain(from);
  });

  it.each([
    ['PUID that is a name', 'linuxserver/sonarr', { PUID: 'abc' }, 'uid', 'abc keeps 911'],
    [
      'PUID beyond the 32-bit ID range',
      'linuxserver/sonarr',
      { PUID: '4294967295' },
      'uid',
      'abc keeps 911',
    ],
    ['negative PGID', 'linuxserver/sonarr', { PGID: '-1' }, 'gid', 'abc keeps 911'],
    [
      'empty PUID, which hotio does not treat as unset',
      'hotio/sonarr',
      { PUID: '' },
      'uid',
      's6 stops the container',
    ],
    ['USER_ID that is a user name', 'jlesage/firefox', { USER_ID: 'app' }, 'uid', 'user name'],
    ['symbolic UMASK', 'jlesage/firefox', { UMASK: 'u=rwx,g=rx' }, 'umask', 'fails to start'],
    [
      'UMASK beyond 0777',
      'ghcr.io/hotio/sonarr',
      { UMASK: '1777' },
      'umask',
      's6 stops the container',
    ],
    ['PGID that is not a number', 'binhex/arch-sonarr', { PGID: 'users' }, 'gid', 'init.sh exits'],
  ] as const)(
    'a %s gives an unknown value and says what the script does',
    (_name, image, env, field, note) => {
      const r = resolve(image, env);
      expect(r?.[field]).toBeNull();
      expect(r?.from).toMatch(/is not (a numeric ID|an octal umask)/);
      expect(r?.notes.join('\n')).toContain(note);
    },
  );

  it.each([
    [
      'a read-only root filesystem makes a linuxserver image ignore PUID and UMASK: it writes as 911',
      readOnly(true),
      [911, 911, null, true],
      false,
    ],
    [
      'a writable root filesystem lets a linuxserver image use PUID',
      readOnly(false),
      [1000, 911, 0o027, true],
      false,
    ],
    [
      'an unknown root filesystem uses PUID and warns about the read-only case',
      readOnly(null),
      [1000, 911, 0o027, true],
      true,
    ],
  ])('%s', (_name, startsAs, expected, warns) => {
    const r = resolve('lscr.io/linuxserver/sonarr', { PUID: '1000', UMASK: '027' }, startsAs);
    expect(outcome(r)).toEqual(expected);
    expect(r?.notes.some((n) => n.startsWith('if the root filesystem is read-only'))).toBe(warns);
  });
});

describe('official images that step down to a fixed service user', () => {
  it.each([
    [
      'postgres:16 switches to postgres 999:999 when it starts as root',
      'postgres:16',
      root,
      [999, 999, null, true],
    ],
    ['postgres without a tag is the Debian variant', 'postgres', root, [999, 999, null, true]],
    ['postgres:16-alpine switches to 70:70', 'postgres:16-alpine', root, [70, 70, null, true]],
    [
      'postgres:alpine3.22 switches to 70:70',
      'docker.io/library/postgres:alpine3.22',
      root,
      [70, 70, null, true],
    ],
    [
      'postgres by digest alone cannot tell Debian from alpine',
      `postgres@${digest}`,
      root,
      [null, null, null, true],
    ],
    ['postgres started as 1000 runs as-is', 'postgres:16', asUser(1000), [null, null, null, false]],
    [
      'postgres that may not start as root gives 999:999 if it does',
      'postgres:16',
      unknownStart,
      [999, 999, null, null],
    ],
    ['mariadb switches to mysql 999:999', 'mariadb:11.4', root, [999, 999, null, true]],
    ['mysql switches to mysql 999:999', 'mysql:8.4', root, [999, 999, null, true]],
    [
      'a mysql Debian tag switches to a mysql user whose ID is not pinned',
      'mysql:8.0-debian',
      root,
      [null, null, null, true],
    ],
    ['redis switches to 999:999 and sets umask 0077', 'redis:8.2', root, [999, 999, 0o077, true]],
    ['redis alpine switches to 999:1000', 'redis:8-alpine', root, [999, 1000, 0o077, true]],
    [
      'redis started as 999 runs as-is but still sets umask 0077',
      'redis:8.2',
      asUser(999),
      [null, null, 0o077, false],
    ],
    ['mongo switches to mongodb 999:999', 'mongo:8.0', root, [999, 999, null, true]],
    [
      'a mongo Windows tag has no switch',
      'mongo:8.0-windowsservercore',
      root,
      [null, null, null, false],
    ],
    ['rabbitmq switches to 999:999', 'rabbitmq:4-management', root, [999, 999, null, true]],
    [
      'rabbitmq alpine switches to 100:101',
      'rabbitmq:4-management-alpine',
      root,
      [100, 101, null, true],
    ],
    ['cassandra switches to 999:999', 'cassandra:5.0', root, [999, 999, null, true]],
    ['influxdb 2 switches to 1000:1000', 'influxdb:2', root, [1000, 1000, null, true]],
    [
      'influxdb latest is 2.x and switches to 1000:1000',
      'influxdb',
      root,
      [1000, 1000, null, true],
    ],
    [
      'influxdb 1.x runs as its image USER, with no switch',
      'influxdb:1.12-alpine',
      root,
      [null, null, null, false],
    ],
    [
      'influxdb 3 core runs as its image USER, with no switch',
      'influxdb:3-core',
      root,
      [null, null, null, false],
    ],
    [
      'an influxdb tag the table does not know gives an unknown identity',
      'influxdb:nightly',
      root,
      [null, null, null, true],
    ],
  ])('%s', (_name, image, startsAs, expected) => {
    expect(outcome(resolve(image, { PUID: '1234' }, startsAs))).toEqual(expected);
  });

  it.each([
    [
      'SKIP_DROP_PRIVS=1 keeps redis 8 as root, with its umask',
      'redis:8.2',
      { SKIP_DROP_PRIVS: '1' },
      [null, null, 0o077, false],
    ],
    [
      'any non-empty SKIP_DROP_PRIVS, even 0, keeps redis 8 as root',
      'redis:8.2-alpine',
      { SKIP_DROP_PRIVS: '0' },
      [null, null, 0o077, false],
    ],
    [
      'an empty SKIP_DROP_PRIVS does not stop the switch',
      'redis:8.2',
      { SKIP_DROP_PRIVS: '' },
      [999, 999, 0o077, true],
    ],
    [
      'redis 7 does not read SKIP_DROP_PRIVS and switches',
      'redis:7.4',
      { SKIP_DROP_PRIVS: '1' },
      [999, 999, 0o077, true],
    ],
  ])('%s', (_name, image, env, expected) => {
    const r = resolve(image, env);
    expect(outcome(r)).toEqual(expected);
  });

  it('says why a redis 7 tag ignores SKIP_DROP_PRIVS', () => {
    expect(resolve('redis:7.4', { SKIP_DROP_PRIVS: '1' })?.notes).toContain(
      'SKIP_DROP_PRIVS is set but the entrypoint of tag 7.4 does not read it',
    );
  });

  it('the official images ignore PUID: their service user is fixed', () => {
    expect(resolve('postgres:16', { PUID: '1000', PGID: '1000' })?.from).toBe(
      'postgres Debian variant: uid 999; gid 999; umask inherited (the entrypoint sets none)',
    );
  });

  it('an alpine tag cites the alpine Dockerfile that creates its user', () => {
    expect(resolve('postgres:16-alpine')?.source).toContain('Dockerfile-alpine.template#L7-L11');
  });

  it('a digest without a tag lists the identities it could have', () => {
    expect(resolve(`redis@${digest}`)?.from).toContain(
      'variant unknown (Debian 999:999, alpine 999:1000)',
    );
  });

  it('every answer names where its rule comes from', () => {
    for (const image of ['linuxserver/sonarr', 'postgres:16-alpine', 'mongo:8.0-nanoserver']) {
      expect(resolve(image)?.source).toMatch(/https:\/\/github\.com\/.+\/blob\/[0-9a-f]{40}\//);
    }
  });
});

describe('the entrypoint table itself', () => {
  it('names images in canonical registry/repository form, so every pattern can match', () => {
    for (const e of entrypointImages)
      for (const p of e.match) expect(p).toMatch(/^[a-z0-9.-]+\.[a-z]+\/[a-z0-9/._-]+\*?$/);
  });

  it('cites a commit-pinned upstream file for every entry and variant', () => {
    const pinned = /github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//;
    for (const e of entrypointImages) {
      expect(e.source, e.family).toMatch(pinned);
      for (const v of e.variants ?? []) expect(v.source, `${e.family} ${v.label}`).toMatch(pinned);
    }
  });

  it('has one entry per family, and rules for every family that reads variables', () => {
    const families = entrypointImages.map((e) => e.family);
    expect(new Set(families).size).toBe(families.length);
    for (const e of entrypointImages)
      expect(e.uidEnv === undefined || e.envRules !== undefined).toBe(true);
  });
});

describe('entrypoint identity invariants', () => {
  const segment = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
  const tag = fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,15}$/), { nil: undefined });
  const start = fc.record({ uid: fc.option(fc.nat(), { nil: null }) });
  const env = fc.dictionary(fc.constantFrom('PUID', 'PGID', 'UMASK', 'USER_ID'), fc.string());

  it('an image on a registry the table does not name always gives null', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('registry.example.com', '10.0.0.1:5000', 'harbor.lan'),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        tag,
        env,
        start,
        (registry, path, t, e, s) => {
          const image = `${registry}/${path.join('/')}${t === undefined ? '' : `:${t}`}`;
          expect(resolveEntrypointIdentity(image, e, s)).toBeNull();
        },
      ),
    );
  });

  it('a valid PUID always wins over the default, in any image form and tag', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('lscr.io/linuxserver/', 'linuxserver/', 'ghcr.io/hotio/', 'binhex/arch-'),
        segment,
        tag,
        fc.integer({ min: 0, max: 4294967294 }),
        fc.constantFrom(root, unknownStart),
        (prefix, name, t, puid, s) => {
          const image = `${prefix}${name}${t === undefined ? '' : `:${t}`}`;
          const r = resolveEntrypointIdentity(image, { PUID: String(puid) }, s);
          expect(r?.uid).toBe(puid);
          expect(r?.from).toContain(`PUID=${puid} (env)`);
        },
      ),
    );
  });

  it('the switch applies exactly when the container starts as root, and never keeps an identity otherwise', () => {
    const images = [
      'linuxserver/x',
      'hotio/x',
      'jlesage/x',
      'binhex/arch-x',
      'postgres',
      'mariadb',
      'mysql',
      'redis',
      'mongo',
      'rabbitmq',
      'cassandra',
      'influxdb',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...images), start, (image, s) => {
        const r = resolveEntrypointIdentity(image, {}, s);
        expect(r?.applies).toBe(s.uid === null ? null : s.uid === 0);
        if (r?.applies === false) expect([r.uid, r.gid]).toEqual([null, null]);
      }),
    );
  });
});
