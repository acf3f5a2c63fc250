import { originOf, kopiurLadder } from './kopiur-origin.js';
import { podSecurityContextOf, rules, step, type LayerResult, type ResolveState } from './state.js';

const podFields = [
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'fsGroup',
  'supplementalGroups',
  'supplementalGroupsPolicy',
] as const;

/** The pod layer: what the pod securityContext (a mover's moverSecurityContext) sets. */
export function resolvePodLayer(s: ResolveState): LayerResult<ResolveState> {
  const psc = podSecurityContextOf(s);
  const from = s.input.volsync?.built.podSecurityContextFrom ?? 'spec.securityContext';
  const steps = [];
  for (const f of podFields) {
    const v = psc[f];
    if (v === undefined) continue;
    steps.push(
      step(
        'pod',
        f,
        v,
        `pod securityContext sets ${f} (from ${s.input.kopiur ? originOf(s, `pod.${f}`) : from})`,
        s.input.kopiur ? kopiurLadder : 'volsync-semantics §0 rule 3 (U:ic/utils/utils.go:249)',
      ),
    );
  }
  if (psc.seccompProfile?.type !== undefined)
    steps.push(
      step('pod', 'seccompProfile.type', psc.seccompProfile.type, `from ${from}`, rules.psa),
    );
  if (steps.length === 0)
    steps.push(step('pod', 'securityContext', null, `sets nothing (${from})`, rules.merge));
  return { steps };
}
