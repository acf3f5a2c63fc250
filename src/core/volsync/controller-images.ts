import { asString, path } from '../k8s/json.js';
import { objectKey, type KubeObject } from '../k8s/object.js';
import { podTemplateOf } from '../report/workloads.js';
import type { MoverImageKey } from '../snapshot.js';

/** Compiled into every builder when neither flag nor env names an image (volsync-semantics §5). */
export const compiledDefaultImage = 'quay.io/backube/volsync:latest';

/** The controller flag and the OLM env var of each mover image (volsync-semantics §5 table). */
const bindings: Record<Exclude<MoverImageKey, 'kopia-maintenance'>, [string, string]> = {
  rclone: ['--rclone-container-image', 'RELATED_IMAGE_RCLONE_CONTAINER'],
  restic: ['--restic-container-image', 'RELATED_IMAGE_RESTIC_CONTAINER'],
  rsync: ['--rsync-container-image', 'RELATED_IMAGE_RSYNC_CONTAINER'],
  'rsync-tls': ['--rsync-tls-container-image', 'RELATED_IMAGE_RSYNC_TLS_CONTAINER'],
  syncthing: ['--syncthing-container-image', 'RELATED_IMAGE_SYNCTHING_CONTAINER'],
  kopia: ['--kopia-container-image', 'RELATED_IMAGE_KOPIA_CONTAINER'],
};

interface ManagerContainer {
  args: string[];
  env: Map<string, string>;
}

function containersOf(o: KubeObject): ManagerContainer[] {
  const list = path(podTemplateOf(o), 'containers');
  if (!Array.isArray(list)) return [];
  return list.map((c) => {
    const raw: unknown[] = [path(c, 'command'), path(c, 'args')].flatMap((x: unknown) =>
      Array.isArray(x) ? (x as unknown[]) : [],
    );
    const env = new Map<string, string>();
    const vars = path(c, 'env');
    if (Array.isArray(vars))
      for (const v of vars) {
        const name = asString(path(v, 'name'));
        const value = asString(path(v, 'value'));
        if (name !== undefined && value !== undefined) env.set(name, value);
      }
    return { args: raw.filter((a): a is string => typeof a === 'string'), env };
  });
}

/** The value of `--flag=v` or `--flag v` (Go's flag package accepts both). */
function flagValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
    if (a === flag) return args[i + 1];
  }
  return undefined;
}

/** A Deployment runs the VolSync controller when one of its containers names a mover image. */
export function isVolSyncController(o: KubeObject): boolean {
  if (o.kind !== 'Deployment') return false;
  return containersOf(o).some((c) =>
    Object.values(bindings).some(
      ([flag, env]) => flagValue(c.args, flag) !== undefined || c.env.has(env),
    ),
  );
}

/**
 * The images the controller gives each mover: flag, else env, else the compiled default
 * (volsync-semantics §5). The fork's KopiaMaintenance reads only RELATED_IMAGE_KOPIA_CONTAINER,
 * never the flag (F:ic/utils/kopia_image.go GetDefaultKopiaImage).
 */
export function resolveControllerImages(controller: KubeObject): {
  images: Record<MoverImageKey, string>;
  source: string;
} {
  const c = containersOf(controller).find((x) =>
    Object.values(bindings).some(([f, e]) => flagValue(x.args, f) !== undefined || x.env.has(e)),
  ) ?? { args: [], env: new Map<string, string>() };
  const pick = ([flag, env]: [string, string]) =>
    flagValue(c.args, flag) ?? c.env.get(env) ?? compiledDefaultImage;
  const images = {
    rclone: pick(bindings.rclone),
    restic: pick(bindings.restic),
    rsync: pick(bindings.rsync),
    'rsync-tls': pick(bindings['rsync-tls']),
    syncthing: pick(bindings.syncthing),
    kopia: pick(bindings.kopia),
    'kopia-maintenance': c.env.get(bindings.kopia[1]) ?? compiledDefaultImage,
  };
  return {
    images,
    source: `the VolSync controller ${objectKey(controller)} (its --<mover>-container-image flags, RELATED_IMAGE_* env, else ${compiledDefaultImage})`,
  };
}
