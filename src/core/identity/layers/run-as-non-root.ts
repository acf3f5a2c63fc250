import type { ImageUser } from '../image.js';
import {
  containerSecurityContextOf,
  podSecurityContextOf,
  rules,
  step,
  type LayerResult,
  type ResolveState,
} from './state.js';

export interface StartCheck {
  /** true = the kubelet refuses to start the container; null = depends on an unknown fact. */
  refused: boolean | null;
  message?: string;
}

/**
 * The kubelet's runAsNonRoot check: it refuses UID 0 and an image USER that is root or a name
 * (§3); SCC's runAsNonRoot counts when the pod sets none.
 */
export function resolveRunAsNonRoot(
  s: ResolveState,
  runAsUser: number | undefined,
): LayerResult<{ runAsNonRoot: StartCheck }> & { runAsNonRoot: StartCheck } {
  const declared =
    containerSecurityContextOf(s).runAsNonRoot ?? podSecurityContextOf(s).runAsNonRoot;
  const runAsNonRoot = check(
    declared ?? s.scc?.runAsNonRoot,
    runAsUser,
    s.imageUser,
    s.input.image.image,
  );
  const steps =
    runAsNonRoot.refused !== false || declared === true
      ? [
          step(
            'runtime',
            'runAsNonRoot',
            runAsNonRoot.refused === null ? null : !runAsNonRoot.refused,
            runAsNonRoot.message ?? 'the kubelet check passes',
            rules.nonRoot,
          ),
        ]
      : [];
  return { runAsNonRoot, steps };
}

function check(
  nonRoot: boolean | undefined,
  runAsUser: number | undefined,
  iu: ImageUser | null,
  image: string,
): StartCheck {
  if (nonRoot !== true) return { refused: false };
  if (runAsUser === 0)
    return {
      refused: true,
      message:
        "kubelet refuses to start it: container's runAsUser breaks non-root policy (runAsNonRoot with runAsUser 0)",
    };
  if (runAsUser !== undefined) return { refused: false };
  if (iu === null)
    return {
      refused: null,
      message: `depends on the USER of image ${image} (unknown): root or a name would be refused`,
    };
  if (iu.user === '' || iu.uid === 0)
    return {
      refused: true,
      message: 'kubelet refuses to start it: container has runAsNonRoot and image will run as root',
    };
  if (iu.uid === undefined)
    return {
      refused: true,
      message: `kubelet refuses to start it: container has runAsNonRoot and image has non-numeric user (${iu.user}), cannot verify user is non-root`,
    };
  return { refused: false };
}
