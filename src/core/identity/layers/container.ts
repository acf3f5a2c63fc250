import type { SecurityContext } from '../../k8s/types.js';
import type { TraceStep } from '../trace.js';
import { kopiurLadder, originOf } from './kopiur-origin.js';
import { containerSecurityContextOf, step, type LayerResult, type ResolveState } from './state.js';

/** The fields the layer reports, in trace order: a table, not a list built for every container. */
const fields: readonly [string, (sc: SecurityContext) => TraceStep['value'] | undefined][] = [
  ['runAsUser', (sc) => sc.runAsUser],
  ['runAsGroup', (sc) => sc.runAsGroup],
  ['runAsNonRoot', (sc) => sc.runAsNonRoot],
  ['capabilities.drop', (sc) => sc.capabilities?.drop],
  ['capabilities.add', (sc) => sc.capabilities?.add],
  ['privileged', (sc) => sc.privileged],
  ['allowPrivilegeEscalation', (sc) => sc.allowPrivilegeEscalation],
  ['readOnlyRootFilesystem', (sc) => sc.readOnlyRootFilesystem],
  ['seccompProfile.type', (sc) => sc.seccompProfile?.type],
];

/** The container layer: what the container securityContext sets, except what VolSync set. */
export function resolveContainerLayer(s: ResolveState): LayerResult<ResolveState> {
  const c = s.container;
  const csc = containerSecurityContextOf(s);
  const from = s.input.volsync?.built.baselineSource ?? `container ${c.name} securityContext`;
  const steps: TraceStep[] = [];
  for (const [f, read] of fields) {
    const v = read(csc);
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
