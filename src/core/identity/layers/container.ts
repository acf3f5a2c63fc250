import type { TraceStep } from '../trace.js';
import { kopiurLadder, originOf } from './kopiur-origin.js';
import { containerSecurityContextOf, step, type LayerResult, type ResolveState } from './state.js';

/** The container layer: what the container securityContext sets, except what VolSync set. */
export function resolveContainerLayer(s: ResolveState): LayerResult<ResolveState> {
  const c = s.container;
  const csc = containerSecurityContextOf(s);
  const from = s.input.volsync?.built.baselineSource ?? `container ${c.name} securityContext`;
  const fields: [string, TraceStep['value'] | undefined][] = [
    ['runAsUser', csc.runAsUser],
    ['runAsGroup', csc.runAsGroup],
    ['runAsNonRoot', csc.runAsNonRoot],
    ['capabilities.drop', csc.capabilities?.drop],
    ['capabilities.add', csc.capabilities?.add],
    ['privileged', csc.privileged],
    ['allowPrivilegeEscalation', csc.allowPrivilegeEscalation],
    ['readOnlyRootFilesystem', csc.readOnlyRootFilesystem],
    ['seccompProfile.type', csc.seccompProfile?.type],
  ];
  const steps: TraceStep[] = [];
  for (const [f, v] of fields) {
    if (v === undefined || s.overridden.has(f)) continue;
    steps.push(
      s.input.kopiur
        ? step(
            'container',
            f,
            v,
            `container ${c.name} sets ${f} (from ${originOf(s, `container.${f}`)})`,
            kopiurLadder,
          )
        : step('container', f, v, `container ${c.name} sets ${f}`, from),
    );
  }
  if (steps.length === 0)
    steps.push(
      step('container', 'securityContext', null, `container ${c.name} sets nothing`, from),
    );
  if (s.input.volsync && csc.runAsUser === undefined && !s.overridden.has('runAsUser'))
    steps.push(
      step(
        'container',
        'runAsUser',
        null,
        'VolSync sets no container runAsUser: the pod value (or the image) decides',
        from,
      ),
    );
  return { steps };
}
