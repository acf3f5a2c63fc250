import { podSecurityContextOf, step, type LayerResult, type ResolveState } from './state.js';

/**
 * The volsync layer: the privileged-movers decision and the container fields VolSync sets with it
 * (volsync-semantics §0 rule 4); nothing for a pod VolSync does not build.
 */
export function resolveVolsyncLayer(s: ResolveState): LayerResult<ResolveState> {
  const v = s.input.volsync;
  // a pod kopiur builds is explained by the kopiur layer
  if (s.input.kopiur) return { steps: [] };
  if (!v)
    return {
      steps: [
        step(
          'volsync',
          'mover',
          null,
          'not a pod VolSync builds: no VolSync rule applies',
          'volsync-semantics §8',
        ),
      ],
    };
  const psc = podSecurityContextOf(s);
  const steps = [
    step(
      'volsync',
      'version',
      v.version.version.id,
      v.version.assumed
        ? `${v.version.source}; say --volsync-version if another runs`
        : v.version.source,
      `src/core/volsync/versions/${v.version.version.id}.ts, judged by that version's controller (test/oracle)`,
    ),
    ...v.decision.steps,
  ];
  for (const o of v.built.overrides) {
    let effect = `VolSync sets container ${o.field}=${JSON.stringify(o.value)}`;
    if (o.field === 'runAsUser' && psc.runAsUser !== undefined && psc.runAsUser !== o.value)
      effect = `container runAsUser ${String(o.value)} beats pod runAsUser ${psc.runAsUser} (moverSecurityContext is ignored for the UID)`;
    steps.push(step('volsync', o.field, o.value, effect, o.source));
  }
  if (v.decision.value === false && v.built.workload.kind !== 'CronJob')
    steps.push(
      step(
        'volsync',
        'PRIVILEGED_MOVER',
        '0',
        'unprivileged: no container runAsUser, no added capabilities',
        'volsync-semantics §0 rule 4',
      ),
    );
  return { steps };
}
