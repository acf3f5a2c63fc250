import { memoByString, memoByTable } from '../memo.js';
import { parseImageRef } from './image-ref.js';

/**
 * The entrypoint layer (trace.ts `entrypoint`): images that start as root and then switch, in their
 * own entrypoint, to another identity that Kubernetes never sees (DESIGN.md §1: "community images
 * fake identity with PUID/PGID env vars, which Kubernetes ignores"). Every value below was read in
 * the upstream file named by its `source` (repository, commit, lines); `evidence` says whether the
 * project documents the value ('doc') or only its code shows it ('code').
 */

/** Whether the value is stated in the project's documentation or only visible in its code. */
export type EntrypointEvidence = 'doc' | 'code';

/** A tag family of one image with its own fixed identity (`alpine` tags of postgres: 70:70). */
export interface EntrypointVariant {
  label: string;
  /** Tested against the tag; the first variant that matches wins, none = the entry's defaults. */
  tag: RegExp;
  /** The identity it switches to; null = this variant has no entrypoint switch at all. */
  identity: { uid: number | null; gid: number | null } | null;
  note?: string;
  source: string;
}

/** How the image's script reads its ID and umask variables. */
export interface EntrypointEnvRules {
  /** `${PUID:-911}` and `[[ -z ]]` treat an empty value as unset. */
  emptyIsUnset: boolean;
  /** binhex strips leading and trailing blanks before use. */
  trimsBlanks: boolean;
  /** What the script does with a value that is not an ID (or not an octal umask). */
  badValue: string;
}

/** One image family whose entrypoint switches identity when it starts as root. */
export interface EntrypointImage {
  family: string;
  /**
   * Canonical `registry/repository` names as container runtimes resolve them (`postgres` is
   * `docker.io/library/postgres`, `linuxserver/sonarr` is `docker.io/linuxserver/sonarr`); a
   * trailing `*` matches any repository with that prefix.
   */
  match: string[];
  variants?: EntrypointVariant[];
  /** The name of the variant `defaults` describe (`Debian`), when there are variants. */
  defaultVariant?: string;
  uidEnv?: string;
  gidEnv?: string;
  umaskEnv?: string;
  /** The identity and umask when the variables are unset (or when there are none); null = not fixed. */
  defaults: { uid: number | null; gid: number | null; umask: number | null };
  /** Why the default umask is what it is (redis: only when the inherited umask is 0022). */
  umaskNote?: string;
  /** Present when the family reads variables. */
  envRules?: EntrypointEnvRules;
  /** The switch happens only when the container's first process is UID 0. */
  onlyWhenStartedAsRoot: true;
  /** What happens when it starts as any other UID; `keepsUmask`: the umask is still set. */
  whenNotRoot: { note: string; keepsUmask: boolean };
  /** linuxserver.io: with a read-only root filesystem PUID/PGID and UMASK have no effect. */
  readOnlyRootFs?: { uid: number; gid: number; note: string; source: string };
  /** A variable whose non-empty value turns the switch off (redis SKIP_DROP_PRIVS). */
  skipEnv?: { name: string; ignoredByTag?: RegExp; note: string; source: string };
  /** Conditions the resolver cannot see (command, capabilities) and ownership changes it makes. */
  notes: string[];
  source: string;
  evidence: EntrypointEvidence;
}

/** What is known about how the container starts. */
export interface EntrypointStart {
  /** The UID of the container's first process as Kubernetes decides it; null = unknown. */
  uid: number | null;
  /** securityContext.readOnlyRootFilesystem; undefined or null = unknown. */
  readOnlyRootFilesystem?: boolean | null;
}

/** The identity an image's entrypoint switches to, and whether the switch happens. */
export interface EntrypointSwitch {
  family: string;
  /** The UID it writes files as after the switch; null = unknown, or no switch (`applies` false). */
  uid: number | null;
  gid: number | null;
  /** The umask the entrypoint sets (it may set one without switching); null = inherited or unknown. */
  umask: number | null;
  /** How each value was found: `PUID=1000 (env)`, `default 911 (no PUID)`. */
  from: string;
  /** true: it starts as root and switches; false: it does not; null: whether it starts as root is unknown. */
  applies: boolean | null;
  source: string;
  notes: string[];
}

// Docker Hub as its images are written (distribution/reference normalize.go, splitDockerDomain,
// github.com/distribution/reference/blob/4ca14034c40611bc3536fc703ffa6a22fb8e6659/normalize.go).
const dockerHub = 'docker.io';
const alpineTag = /(^|-)alpine/;

const lsioBase =
  'https://github.com/linuxserver/docker-baseimage-alpine/blob/3d5a8b06a66bdf923dd537912cde796ccf915532';
const lsioMods =
  'https://github.com/linuxserver/docker-mods/blob/df65a56940089abc065febb2f8307b2dddc59c0e';
const lsioDocs =
  'https://github.com/linuxserver/docker-documentation/blob/002af3ee68ce987a4d16332dca23ef576ce6e85b';
const hotioBase = 'https://github.com/hotio/base/blob/7a36f8070728de8cd2a35a9ec4b4c6173377276a';
const jlesageBase =
  'https://github.com/jlesage/docker-baseimage/blob/d601d898d2ff5e994316188090ddf85c694df4db';
const binhexBase =
  'https://github.com/binhex/arch-base/blob/43426a28ab2c54bbd28c4c9974274e366b2fdd3f';
const postgresRepo =
  'https://github.com/docker-library/postgres/blob/6edb0a8c4def40c371514b34aef9037ec82d9110';
const mariadbRepo =
  'https://github.com/MariaDB/mariadb-docker/blob/1b6429ba3544e134715c15f8c56cc6f665f827c9';
const mysqlRepo =
  'https://github.com/docker-library/mysql/blob/7f30fdb0738041fc5125e8218e393e0a891243e9';
const redisRepo = 'https://github.com/redis/docker-library-redis/blob';
const mongoRepo =
  'https://github.com/docker-library/mongo/blob/2c69a57b939afb99266e8f97258adb178e9559e0';
const rabbitRepo =
  'https://github.com/docker-library/rabbitmq/blob/9193c1de6d32046e0c1132841a7a4995b0dc32e0';
const cassandraRepo =
  'https://github.com/docker-library/cassandra/blob/7b9da8f4f58f48af79feb0fc2f7a1e2c639965f1';
const influxRepo =
  'https://github.com/influxdata/influxdata-docker/blob/d457cb9363532cbbc8d63ef7d1b065336ef0302d/influxdb';
const libraryDocs =
  'https://github.com/docker-library/docs/blob/c4a9ba41443427b2ec1d5c4cc01879076aa4a1eb';

/** The official images' entrypoints switch only for their server command (`"$1" = 'postgres'`). */
const serverCommandNote = (command: string, lines: string) =>
  `switches only when the container runs the image's ENTRYPOINT with the server command (${command}); a Kubernetes \`command\` replaces the ENTRYPOINT and skips the switch (${lines})`;
const gosuCapsNote =
  'gosu calls setgroups, setgid and setuid and exits 1 ("failed switching") when one fails, e.g. with CAP_SETUID or CAP_SETGID dropped (https://github.com/tianon/gosu/blob/0396450a9d9d4d8ff30219594884418dd2c4c86a/setup-user.go; https://github.com/tianon/gosu/blob/04fac5a03d468b0ea1a9bad71b8f772325639500/main.go)';

/**
 * Images that switch identity in their entrypoint when started as root, one entry per family;
 * values unverified upstream are null and say so in `notes`.
 */
export const entrypointImages: EntrypointImage[] = [
  {
    family: 'linuxserver.io',
    // lscr.io redirects to ghcr.io; Docker Hub and GHCR serve the same images (docs FAQ.md:177,195;
    // docs general/understanding-puid-and-pgid.md:19 uses `linuxserver/beets`).
    match: ['lscr.io/linuxserver/*', 'ghcr.io/linuxserver/*', `${dockerHub}/linuxserver/*`],
    uidEnv: 'PUID',
    gidEnv: 'PGID',
    umaskEnv: 'UMASK',
    // init-adduser/run:4-5 `PUID=${PUID:-911}`, `PGID=${PGID:-911}`; Dockerfile:88 creates abc 911.
    // with-contenv.v1:9-14 sets the umask only when UMASK is set: otherwise it is inherited.
    defaults: { uid: 911, gid: 911, umask: null },
    umaskNote: 'inherited (no UMASK)',
    envRules: {
      emptyIsUnset: true,
      trimsBlanks: false,
      // init-adduser/run has no `set -e`: a failing usermod/groupmod leaves abc as it was.
      badValue:
        'not documented; from the code, usermod/groupmod reject it and init goes on, so abc keeps 911 (init-adduser/run:11-12, no set -e)',
    },
    onlyWhenStartedAsRoot: true,
    // docker-mods.v3:575-578 sets LSIO_NON_ROOT_USER, init-adduser/run:7 then skips usermod, and
    // svc-*/run drop `s6-setuidgid abc` (docker-sonarr svc-sonarr/run:4-13).
    whenNotRoot: {
      note: 'runs as-is: "The PUID & PGID variables will not have any effect"; UMASK is disabled too (docs misc/non-root.md:33; docker-mods.v3:618-623)',
      keepsUmask: false,
    },
    readOnlyRootFs: {
      uid: 911,
      gid: 911,
      note: '"The PUID & PGID variables will not have any effect, the container will run applications with a UID of 911"; UMASK has no effect',
      source: `${lsioDocs}/docs/misc/read-only.md#L33-L34; ${lsioMods}/docker-mods.v3#L570-L573; ${lsioBase}/root/etc/s6-overlay/s6-rc.d/init-adduser/run#L7`,
    },
    notes: [
      `services run as abc via s6-setuidgid (https://github.com/linuxserver/docker-sonarr/blob/0ba00d69196dd4c2a0c718d9df0d416b02016424/root/etc/s6-overlay/s6-rc.d/svc-sonarr/run#L4-L7); init chowns /app, /config and /defaults to abc (${lsioBase}/root/etc/s6-overlay/s6-rc.d/init-adduser/run#L53-L57)`,
      'the values are those of the base image; an image that overrides init-adduser may differ',
    ],
    source: `${lsioBase}/root/etc/s6-overlay/s6-rc.d/init-adduser/run#L4-L15; ${lsioBase}/Dockerfile#L88; ${lsioMods}/with-contenv.v1#L9-L14; ${lsioDocs}/docs/images/docker-sonarr.md#L160-L163`,
    evidence: 'code',
  },
  {
    family: 'hotio',
    // build-on-call.yml pushes docker.io/<repo> and ghcr.io/<repo>
    // (github.com/hotio/build-workflow/blob/031e4f949b20fdae32c0eebd1d1c194538e1f6bf/.github/workflows/build-on-call.yml).
    match: ['ghcr.io/hotio/*', `${dockerHub}/hotio/*`],
    uidEnv: 'PUID',
    gidEnv: 'PGID',
    umaskEnv: 'UMASK',
    // linux-amd64.Dockerfile:21 `ENV PUID="1000" PGID="1000" UMASK="002"`; :49 useradd -u 1000 hotio.
    defaults: { uid: 1000, gid: 1000, umask: 0o002 },
    envRules: {
      emptyIsUnset: false,
      trimsBlanks: false,
      // init-setup/run:7 `set -e`, :74,:79 usermod/groupmod; S6_BEHAVIOUR_IF_STAGE2_FAILS=2 (Dockerfile:23).
      badValue:
        'not documented; from the code, usermod/groupmod (or umask) fail under set -e and s6 stops the container (init-setup/run:7,74,79; S6_BEHAVIOUR_IF_STAGE2_FAILS=2)',
    },
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'not supported: not documented; from the code, init-setup runs usermod under set -e, which fails without root, and s6 stops the container (init-setup/run:7,74)',
      keepsUmask: false,
    },
    notes: [
      'services run as hotio via s6-setuidgid with umask "${UMASK}" (https://github.com/hotio/sonarr/blob/bd86720c9f1af7778e7c98bb8491b10f06251611/root/etc/s6-overlay/s6-rc.d/service-sonarr/run#L4-L7)',
      `init chowns /config itself (not its contents) to hotio (${hotioBase}/root/etc/s6-overlay/s6-rc.d/init-setup/run#L100)`,
      'read from the alpinevpn base branch; other base branches were not all read',
    ],
    source: `${hotioBase}/linux-amd64.Dockerfile#L21; ${hotioBase}/linux-amd64.Dockerfile#L49; ${hotioBase}/root/etc/s6-overlay/s6-rc.d/init-setup/run#L7-L9; ${hotioBase}/root/etc/s6-overlay/s6-rc.d/init-setup/run#L71-L79`,
    evidence: 'code',
  },
  {
    family: 'jlesage',
    // build-image.yml:61-65 tags jlesage/<app> and ghcr.io/jlesage/<app>
    // (github.com/jlesage/docker-firefox/blob/6664868415730ccf41872e8ecb8007021593b5cf/.github/workflows/build-image.yml).
    match: ['ghcr.io/jlesage/*', `${dockerHub}/jlesage/*`],
    uidEnv: 'USER_ID',
    gidEnv: 'GROUP_ID',
    umaskEnv: 'UMASK',
    // README.md:270-273 documents the defaults; Dockerfile:181-184 sets them as ENV.
    defaults: { uid: 1000, gid: 1000, umask: 0o022 },
    envRules: {
      emptyIsUnset: false,
      trimsBlanks: false,
      // rootfs/init:215-218 passes USER_ID to cinit; utils.c:590-603 takes digits or a user name
      // and throws otherwise, so cinit does not start.
      badValue:
        'not documented; from the code, cinit takes digits or a user name from /etc/passwd and otherwise fails to start (src/cinit/utils.c:590-603, 622-650)',
    },
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'not documented; from the code, cont-init rewrites /etc/passwd and cinit calls setgroups(), both need root (rootfs/etc/cont-init.d/10-init-users.sh:3-4; src/cinit/cinit.c:1146-1149)',
      keepsUmask: false,
    },
    notes: [
      `USER_ID=0 keeps root: cinit calls setuid only for a UID > 0 (${jlesageBase}/src/cinit/cinit.c#L1159-L1163)`,
      `init takes ownership of /config unless TAKE_CONFIG_OWNERSHIP=0 (${jlesageBase}/README.md#L633-L637)`,
    ],
    source: `${jlesageBase}/README.md#L270-L273; ${jlesageBase}/Dockerfile#L181-L184; ${jlesageBase}/rootfs/init#L215-L218; ${jlesageBase}/src/cinit/cinit.c#L1143-L1163`,
    evidence: 'doc',
  },
  {
    family: 'binhex',
    // The release workflow pushes <repo>, quay.io/<repo> and ghcr.io/<repo>
    // (github.com/binhex/workflow-templates/blob/069c09441b95797d73934ae8589f1722aa1027f7/.github/workflows/workflow-docker-release.yml).
    match: ['ghcr.io/binhex/arch-*', 'quay.io/binhex/arch-*', `${dockerHub}/binhex/arch-*`],
    uidEnv: 'PUID',
    gidEnv: 'PGID',
    umaskEnv: 'UMASK',
    // init.sh:43-49 PUID default 99, :61-67 PGID default 100, :80-86 UMASK default 000 (written
    // into the supervisor program sections).
    defaults: { uid: 99, gid: 100, umask: 0o000 },
    envRules: {
      emptyIsUnset: true,
      trimsBlanks: true,
      badValue:
        'not documented; from the code, usermod/groupmod fail under set -e and init.sh exits, stopping the container (init.sh:4,55,73)',
    },
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'not supported: not documented; from the code, init.sh runs usermod under set -e, which fails without root (init.sh:4,55)',
      keepsUmask: false,
    },
    notes: [
      'the application runs as user nobody (PUID) of group users (PGID) under supervisord (https://github.com/binhex/arch-sonarr/blob/83672e8b666eb821e3613da89d67faeb1aa21c2c/build/sonarr.conf#L1-L4)',
      `init chowns /config recursively to PUID:PGID and chmods it 775 unless /config/perms.txt exists (${binhexBase}/build/common/root/init.sh#L88-L100)`,
    ],
    source: `${binhexBase}/build/common/root/init.sh#L43-L86`,
    evidence: 'code',
  },
  {
    family: 'postgres',
    match: [`${dockerHub}/library/postgres`],
    variants: [
      {
        label: 'alpine',
        tag: alpineTag,
        identity: { uid: 70, gid: 70 },
        note: '"70 is the standard uid/gid for postgres in Alpine"',
        source: `${postgresRepo}/Dockerfile-alpine.template#L7-L11`,
      },
    ],
    // Debian variants (the default, `latest`): Dockerfile-debian.template:5-7 groupadd/useradd 999.
    defaultVariant: 'Debian',
    defaults: { uid: 999, gid: 999, umask: null },
    umaskNote: 'inherited (the entrypoint sets none)',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'runs as-is: the image supports a (mostly) arbitrary --user (docs postgres/content.md:190-194)',
      keepsUmask: true,
    },
    notes: [
      serverCommandNote('postgres, or arguments starting with -', 'docker-entrypoint.sh:326-339'),
      `as root it first chowns PGDATA and /var/run/postgresql to the postgres user (${postgresRepo}/docker-entrypoint.sh#L56-L60)`,
      gosuCapsNote,
    ],
    source: `${postgresRepo}/docker-entrypoint.sh#L332-L339; ${postgresRepo}/Dockerfile-debian.template#L5-L7; ${libraryDocs}/postgres/content.md#L190-L194`,
    evidence: 'code',
  },
  {
    family: 'mariadb',
    match: [`${dockerHub}/library/mariadb`],
    // Dockerfile-ubi.template:5-8 pins 999/999 "for compatibility with the ubuntu image"; the Ubuntu
    // Dockerfile.template:5 uses `useradd -r` without an ID, observed as 999:999
    // (github.com/MariaDB/mariadb-docker/issues/287).
    defaults: { uid: 999, gid: 999, umask: null },
    umaskNote: 'inherited (the entrypoint sets none)',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: { note: 'runs as-is (the switch needs UID 0)', keepsUmask: true },
    notes: [
      serverCommandNote('mariadbd or mysqld', 'docker-entrypoint.sh:688-699'),
      `as root it first chowns the datadir to mysql and its group (${mariadbRepo}/docker-entrypoint.sh#L209-L211)`,
      `the Ubuntu variants do not pin the ID (${mariadbRepo}/Dockerfile.template#L5); 999:999 is the maintainers' statement in the ubi Dockerfile`,
      gosuCapsNote,
    ],
    source: `${mariadbRepo}/docker-entrypoint.sh#L696-L699; ${mariadbRepo}/Dockerfile-ubi.template#L5-L8`,
    evidence: 'code',
  },
  {
    family: 'mysql',
    match: [`${dockerHub}/library/mysql`],
    variants: [
      {
        label: 'debian',
        tag: /(^|-)debian/,
        identity: { uid: null, gid: null },
        note: 'the removed Debian variants created mysql with `useradd -r` and no fixed ID',
        source:
          'https://github.com/docker-library/mysql/blob/b6c1f3997a86ad4de7ceb6b8c9b0d9f6ee15ac84/Dockerfile.debian#L4',
      },
    ],
    // Oracle Linux variants (all current tags): Dockerfile.oracle:19-20 pin 999/999.
    defaultVariant: 'Oracle Linux',
    defaults: { uid: 999, gid: 999, umask: null },
    umaskNote: 'inherited (the entrypoint sets none)',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'runs as-is: "it is possible to invoke this image with --user set to any value" (docs mysql/content.md:171-173)',
      keepsUmask: true,
    },
    notes: [
      serverCommandNote('mysqld', 'docker-entrypoint.sh:362-380'),
      `as root it first chowns its directories to the mysql user (${mysqlRepo}/docker-entrypoint.sh#L208-L211)`,
      gosuCapsNote,
    ],
    source: `${mysqlRepo}/docker-entrypoint.sh#L378-L380; ${mysqlRepo}/Dockerfile.oracle#L19-L20; ${libraryDocs}/mysql/content.md#L171-L173`,
    evidence: 'code',
  },
  {
    family: 'redis',
    match: [`${dockerHub}/library/redis`],
    variants: [
      {
        label: 'alpine',
        tag: alpineTag,
        // "alpine already has a gid 999, so we'll use the next id"
        identity: { uid: 999, gid: 1000 },
        note: 'alpine variant: group redis is 1000 because Alpine already has GID 999',
        source: `${redisRepo}/0076c90a8028d29b25313f7272fa2d1245c3be76/alpine/Dockerfile#L4-L7`,
      },
    ],
    // Debian variants: debian/Dockerfile:4-6 groupadd -g 999, useradd -u 999.
    defaultVariant: 'Debian',
    defaults: { uid: 999, gid: 999, umask: 0o077 },
    // debian/docker-entrypoint.sh:145-148: `if [ "$um" = '0022' ]; then umask 0077`, after the switch.
    umaskNote: 'set by the entrypoint when the inherited umask is 0022',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'runs as-is: "This step is skipped if Docker is run with the --user option" (docs redis/content.md:19)',
      keepsUmask: true,
    },
    skipEnv: {
      name: 'SKIP_DROP_PRIVS',
      // Redis 8.0.2 added it; the 6.x/7.x entrypoints do not read it (7.4/debian/docker-entrypoint.sh:10-14).
      ignoredByTag: /^(6|7)(\.|-|$)|^8\.0\.[01](-|$)/,
      note: 'any non-empty value turns the switch off (`[ -z "$SKIP_DROP_PRIVS" ]`, since 8.0.2)',
      source: `${redisRepo}/0d55be9aa67b917c2a45cadabf07518f356443b0/debian/docker-entrypoint.sh#L117; ${libraryDocs}/redis/content.md#L19`,
    },
    notes: [
      serverCommandNote(
        'redis-server or redis-sentinel, or arguments starting with - or ending in .conf',
        'docker-entrypoint.sh:94-117',
      ),
      'redis 8 switches only when CAP_SETUID and CAP_SETGID are in the bounding set; without them it stays root (debian/docker-entrypoint.sh:117); 6.x/7.x use gosu',
      gosuCapsNote,
      `as root redis 8 chowns the data directory to redis when it holds only *.rdb and appendonlydir (${redisRepo}/0d55be9aa67b917c2a45cadabf07518f356443b0/debian/docker-entrypoint.sh#L36-L46)`,
    ],
    source: `${redisRepo}/0d55be9aa67b917c2a45cadabf07518f356443b0/debian/docker-entrypoint.sh#L4; ${redisRepo}/0d55be9aa67b917c2a45cadabf07518f356443b0/debian/docker-entrypoint.sh#L117-L148; ${redisRepo}/0076c90a8028d29b25313f7272fa2d1245c3be76/debian/Dockerfile#L4-L6; ${libraryDocs}/redis/content.md#L17-L19`,
    evidence: 'code',
  },
  {
    family: 'mongo',
    match: [`${dockerHub}/library/mongo`],
    variants: [
      {
        label: 'windows',
        tag: /windowsservercore|nanoserver/,
        identity: null,
        note: 'Windows variant: no gosu switch',
        source: `${mongoRepo}/Dockerfile-windows.template`,
      },
    ],
    // Dockerfile-linux.template:6-7 groupadd --gid 999, useradd --uid 999 mongodb.
    defaultVariant: 'Linux',
    defaults: { uid: 999, gid: 999, umask: null },
    umaskNote: 'inherited (the entrypoint sets none)',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'runs as-is ("allow the container to be started with --user")',
      keepsUmask: true,
    },
    notes: [
      serverCommandNote('any mongo* command', 'docker-entrypoint.sh:4-12'),
      `as root mongod first chowns /data/db and /data/configdb to mongodb (${mongoRepo}/docker-entrypoint.sh#L13-L15)`,
      gosuCapsNote,
    ],
    source: `${mongoRepo}/docker-entrypoint.sh#L12-L22; ${mongoRepo}/Dockerfile-linux.template#L6-L7`,
    evidence: 'code',
  },
  {
    family: 'rabbitmq',
    match: [`${dockerHub}/library/rabbitmq`],
    variants: [
      {
        label: 'alpine',
        tag: alpineTag,
        identity: { uid: 100, gid: 101 },
        source: `${rabbitRepo}/Dockerfile-alpine.template#L243-L244`,
      },
    ],
    // Ubuntu variants: Dockerfile-ubuntu.template:233-234 groupadd --gid 999, useradd --uid 999.
    defaultVariant: 'Ubuntu',
    defaults: { uid: 999, gid: 999, umask: null },
    umaskNote: 'inherited (the entrypoint sets none)',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'runs as-is ("allow the container to be started with --user")',
      keepsUmask: true,
    },
    notes: [
      serverCommandNote('any rabbitmq* command', 'docker-entrypoint.sh:5'),
      `as root rabbitmq-server first chowns /var/lib/rabbitmq to rabbitmq (${rabbitRepo}/docker-entrypoint.sh#L6-L8)`,
      gosuCapsNote,
    ],
    source: `${rabbitRepo}/docker-entrypoint.sh#L5-L10; ${rabbitRepo}/Dockerfile-ubuntu.template#L233-L234`,
    evidence: 'code',
  },
  {
    family: 'cassandra',
    match: [`${dockerHub}/library/cassandra`],
    // Dockerfile.template:5-6 groupadd --gid=999, useradd --uid=999.
    defaults: { uid: 999, gid: 999, umask: null },
    umaskNote: 'inherited (the entrypoint sets none)',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: {
      note: 'runs as-is ("allow the container to be started with --user")',
      keepsUmask: true,
    },
    notes: [
      serverCommandNote(
        'cassandra, no arguments, or arguments starting with -',
        'docker-entrypoint.sh:6-11',
      ),
      `as root it first chowns its config, data and log directories to cassandra (${cassandraRepo}/docker-entrypoint.sh#L12-L13)`,
      gosuCapsNote,
    ],
    source: `${cassandraRepo}/docker-entrypoint.sh#L11-L14; ${cassandraRepo}/Dockerfile.template#L5-L6`,
    evidence: 'code',
  },
  {
    family: 'influxdb',
    match: [`${dockerHub}/library/influxdb`],
    variants: [
      {
        label: '1.x',
        tag: /^(1\.|data|meta)/,
        identity: null,
        note: '1.x images set USER influxdb (1500) and have no entrypoint switch',
        source: `${influxRepo}/1.12/Dockerfile#L41`,
      },
      {
        label: '3.x',
        tag: /^(3[.-]|core|enterprise)/,
        identity: null,
        note: '3.x images set USER influxdb3 (1500) and have no entrypoint switch',
        source: `${influxRepo}/3.11-core/Dockerfile#L45`,
      },
      {
        // `latest` and `alpine` are 2.9 (library/influxdb in docker-library/official-images@37079fb3).
        label: '2.x',
        tag: /^(2([.-]|$)|latest$|alpine$)/,
        identity: { uid: 1000, gid: 1000 },
        source: `${influxRepo}/2.9/Dockerfile#L29-L30; ${influxRepo}/2.9/alpine/Dockerfile#L28-L29`,
      },
    ],
    defaults: { uid: null, gid: null, umask: null },
    umaskNote: 'inherited (the entrypoint sets none)',
    onlyWhenStartedAsRoot: true,
    whenNotRoot: { note: 'runs as-is (the switch needs UID 0)', keepsUmask: true },
    notes: [
      serverCommandNote('influxd, run, or arguments starting with -', 'entrypoint.sh:469-478'),
      `as root it first chowns the bolt, engine and config directories to influxdb (${influxRepo}/2.9/entrypoint.sh#L194-L198)`,
    ],
    source: `${influxRepo}/2.9/entrypoint.sh#L506-L507`,
    evidence: 'code',
  },
];

interface CanonicalImage {
  name: string;
  tag: string | undefined;
}

/**
 * `registry/repository` as container runtimes resolve it: parseImageRef's Docker Hub defaults plus
 * the two splitDockerDomain cases it does not make (index.docker.io is docker.io, and
 * `docker.io/postgres` is `docker.io/library/postgres`).
 */
const canonicalImage = memoByString((image): CanonicalImage | undefined => {
  const ref = parseImageRef(image);
  if (!ref) return undefined;
  const registry = ref.registry === 'index.docker.io' ? dockerHub : ref.registry;
  const repository =
    registry === dockerHub && !ref.repository.includes('/')
      ? `library/${ref.repository}`
      : ref.repository;
  return { name: `${registry}/${repository}`, tag: ref.tag };
});

const matches = (pattern: string, name: string) =>
  pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;

const entryOf = memoByTable((table: EntrypointImage[], image: string) => {
  const ref = canonicalImage(image);
  if (!ref) return undefined;
  return table.find((e) => e.match.some((p) => matches(p, ref.name)));
});

/** The table entry for an image reference in any written form; undefined when none. */
export function findEntrypointImage(
  image: string,
  table: EntrypointImage[] = entrypointImages,
): EntrypointImage | undefined {
  return entryOf(table, image);
}

// Linux IDs are 32-bit and (uid_t)-1 means "leave unchanged" to setresuid(2), so 4294967294 is the
// largest usable ID.
const maxId = 4294967294;

interface Read {
  value: number | null;
  from: string;
  bad: boolean;
}

function envValue(env: Record<string, string>, name: string, rules: EntrypointEnvRules) {
  const raw = Object.hasOwn(env, name) ? env[name] : undefined;
  if (raw === undefined) return undefined;
  const v = rules.trimsBlanks ? raw.replace(/^[ \t]+|[ \t]+$/g, '') : raw;
  return v === '' && rules.emptyIsUnset ? undefined : v;
}

function readId(
  env: Record<string, string>,
  name: string,
  fallback: number | null,
  rules: EntrypointEnvRules,
): Read {
  const v = envValue(env, name, rules);
  if (v === undefined)
    return { value: fallback, from: `default ${fallback ?? '<unknown>'} (no ${name})`, bad: false };
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isSafeInteger(n) && n <= maxId)
    return { value: n, from: `${name}=${n} (env)`, bad: false };
  return { value: null, from: `${name}=${JSON.stringify(v)} is not a numeric ID`, bad: true };
}

const octal = (mask: number) => mask.toString(8).padStart(4, '0');

function readUmask(env: Record<string, string>, e: EntrypointImage): Read {
  const fallback: Read =
    e.defaults.umask === null
      ? { value: null, from: `umask ${e.umaskNote ?? 'inherited'}`, bad: false }
      : {
          value: e.defaults.umask,
          from: e.umaskEnv
            ? `default umask ${octal(e.defaults.umask)} (no ${e.umaskEnv})`
            : `umask ${octal(e.defaults.umask)} (${e.umaskNote ?? 'entrypoint'})`,
          bad: false,
        };
  if (!e.umaskEnv || !e.envRules) return fallback;
  const v = envValue(env, e.umaskEnv, e.envRules);
  if (v === undefined) return fallback;
  // bash `umask`, supervisord and cinit all read an octal number; cinit rejects more than 0777
  // (jlesage src/cinit/utils.c:622-650).
  const n = /^[0-7]{1,4}$/.test(v) ? parseInt(v, 8) : NaN;
  if (n <= 0o777) return { value: n, from: `${e.umaskEnv}=${v} (env)`, bad: false };
  return {
    value: null,
    from: `${e.umaskEnv}=${JSON.stringify(v)} is not an octal umask`,
    bad: true,
  };
}

/** The skip variable when it is set and the tag's entrypoint reads it; a note when it does not. */
function findSkip(
  e: EntrypointImage,
  env: Record<string, string>,
  tag: string | undefined,
  notes: string[],
): { why: string; source: string } | undefined {
  const skip = e.skipEnv;
  const value = skip && Object.hasOwn(env, skip.name) ? env[skip.name] : undefined;
  if (!skip || value === undefined || value === '') return undefined;
  if (tag !== undefined && skip.ignoredByTag?.test(tag)) {
    notes.push(`${skip.name} is set but the entrypoint of tag ${tag} does not read it`);
    return undefined;
  }
  return { why: `${skip.name}=${JSON.stringify(value)} (env): ${skip.note}`, source: skip.source };
}

type VariantPick =
  { kind: 'none' } | { kind: 'unknown' } | { kind: 'variant'; variant: EntrypointVariant };

function pickVariant(e: EntrypointImage, tag: string | undefined): VariantPick {
  if (!e.variants) return { kind: 'none' };
  if (tag === undefined) return { kind: 'unknown' };
  const variant = e.variants.find((v) => v.tag.test(tag));
  return variant ? { kind: 'variant', variant } : { kind: 'none' };
}

const shownId = (n: number | null) => (n === null ? '<unknown>' : String(n));
const shownPair = (p: { uid: number | null; gid: number | null } | null) =>
  p ? `${shownId(p.uid)}:${shownId(p.gid)}` : 'no switch';

/** The fixed service user of an image without ID variables, from its tag. */
function fixedIdentity(e: EntrypointImage, pick: VariantPick, tag: string | undefined) {
  const read = (uid: number | null, gid: number | null, what: string) => ({
    uid: { value: uid, from: `${what}: uid ${shownId(uid)}`, bad: false },
    gid: { value: gid, from: `gid ${shownId(gid)}`, bad: false },
  });
  const defaultLabel = e.defaultVariant ?? 'default';
  if (pick.kind === 'variant')
    return read(
      pick.variant.identity?.uid ?? null,
      pick.variant.identity?.gid ?? null,
      `${e.family} ${pick.variant.label} variant`,
    );
  if (pick.kind === 'unknown') {
    const list = [
      `${defaultLabel} ${shownPair(e.defaults)}`,
      ...(e.variants ?? []).map((v) => `${v.label} ${shownPair(v.identity)}`),
    ].join(', ');
    return read(null, null, `digest without tag, variant unknown (${list})`);
  }
  if (e.variants && e.defaults.uid === null)
    return read(null, null, `tag ${tag ?? ''}: variant not in the table`);
  return read(
    e.defaults.uid,
    e.defaults.gid,
    `${e.family} ${defaultLabel}${e.variants ? ' variant' : ''}`,
  );
}

/**
 * Says which UID, GID and umask an image's entrypoint switches to and whether it does; null when
 * the image is not in `table`. The switch applies only when the container starts as UID 0
 * (`startsAs.uid`); started as anyone else it runs as-is (`applies` false, uid and gid null).
 * Variables that are not valid IDs give null with a note of what the image's script does.
 */
export function resolveEntrypointIdentity(
  image: string,
  env: Record<string, string>,
  startsAs: EntrypointStart,
  table: EntrypointImage[] = entrypointImages,
): EntrypointSwitch | null {
  const e = findEntrypointImage(image, table);
  if (!e) return null;
  const tag = canonicalImage(image)?.tag;
  const pick = pickVariant(e, tag);
  const notes = [...e.notes];
  if (pick.kind === 'variant' && pick.variant.identity === null) {
    return {
      family: e.family,
      uid: null,
      gid: null,
      umask: null,
      from: `tag ${tag ?? ''}: ${pick.variant.note ?? `${pick.variant.label} variant has no switch`}`,
      applies: false,
      source: pick.variant.source,
      notes: [],
    };
  }
  if (pick.kind === 'variant' && pick.variant.note) notes.unshift(pick.variant.note);

  const rules = e.envRules;
  const fixed = fixedIdentity(e, pick, tag);
  let uid = e.uidEnv && rules ? readId(env, e.uidEnv, e.defaults.uid, rules) : fixed.uid;
  let gid = e.gidEnv && rules ? readId(env, e.gidEnv, e.defaults.gid, rules) : fixed.gid;
  let umask = readUmask(env, e);
  if (rules && (uid.bad || gid.bad || umask.bad)) notes.unshift(`bad value: ${rules.badValue}`);

  const ro = e.readOnlyRootFs;
  if (ro && startsAs.readOnlyRootFilesystem === true) {
    uid = { value: ro.uid, from: `read-only root filesystem: ${ro.note}`, bad: false };
    gid = { value: ro.gid, from: `gid ${ro.gid}`, bad: false };
    umask = { value: null, from: 'umask inherited', bad: false };
  } else if (ro && startsAs.readOnlyRootFilesystem !== false) {
    notes.push(`if the root filesystem is read-only: ${ro.note} (${ro.source})`);
  }

  const skipped = findSkip(e, env, tag, notes);
  const applies = skipped ? false : startsAs.uid === null ? null : startsAs.uid === 0;
  const parts = [uid.from, gid.from, umask.from];
  if (applies === false) {
    const why =
      skipped?.why ?? `started as UID ${startsAs.uid ?? ''}, not root: ${e.whenNotRoot.note}`;
    // redis sets its umask after the (skipped) switch, so it holds either way.
    const keepsUmask = skipped !== undefined || e.whenNotRoot.keepsUmask;
    return {
      family: e.family,
      uid: null,
      gid: null,
      umask: keepsUmask ? umask.value : null,
      from: keepsUmask ? `${why}; ${umask.from}` : why,
      applies,
      source: skipped?.source ?? e.source,
      notes,
    };
  }
  if (applies === null) notes.push(`only if it starts as UID 0; otherwise ${e.whenNotRoot.note}`);
  return {
    family: e.family,
    uid: uid.value,
    gid: gid.value,
    umask: umask.value,
    from: parts.join('; '),
    applies,
    source: pick.kind === 'variant' ? `${pick.variant.source}; ${e.source}` : e.source,
    notes,
  };
}
