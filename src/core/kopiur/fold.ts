import type { PodSecurityContext, SecurityContext } from '../k8s/types.js';
import { pinnedId, type Rung } from './ladder.js';
import type { KopiurVersion } from './versions/types.js';

/** Where a field of the folded contexts came from. */
export interface FieldOrigin {
  /** `container.runAsUser`, `container.capabilities.drop`, `pod.fsGroup`. */
  field: string;
  value: unknown;
  from: string;
  /** ≥ 0.9.0: copied onto the container from this rung's effective UID or GID. */
  hoisted?: { level: 'pod' | 'container'; over?: { value: number; from: string } };
}

export interface Folded {
  securityContext: SecurityContext;
  podSecurityContext: PodSecurityContext;
  /** Every field set, in the order the trace reads it. */
  origins: FieldOrigin[];
}

function overlay<T extends object>(
  level: 'container' | 'pod',
  base: T,
  over: T | undefined,
  from: string,
  origins: Map<string, FieldOrigin>,
): T {
  if (!over) return base;
  const out = { ...base } as Record<string, unknown> & SecurityContext;
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    if (k === 'capabilities') {
      // add and drop merge separately, so an add-only override keeps drop [ALL] (K43:merge_capabilities)
      const caps = { ...(out.capabilities ?? {}) };
      for (const part of ['add', 'drop'] as const) {
        const list = (v as SecurityContext['capabilities'])?.[part];
        if (list === undefined) continue;
        caps[part] = list;
        origins.set(`${level}.capabilities.${part}`, {
          field: `${level}.capabilities.${part}`,
          value: list,
          from,
        });
      }
      out.capabilities = caps;
      continue;
    }
    out[k] = v;
    origins.set(`${level}.${k}`, { field: `${level}.${k}`, value: v, from });
  }
  return out as T;
}

/**
 * Folds the ladder, lowest rung first, field by field (each set field wins, unset fields keep the
 * rung below; kopiur.md §0 rule 3). From 0.9.0 the effective UID (container, else pod) of the
 * highest rung that pins one is then copied onto the container, and the GID independently, so a
 * lower rung's container runAsUser no longer beats a higher rung's pod runAsUser (kopiur#304;
 * K:crates/api/src/common/secctx.rs merge_context_pair). fsGroup and supplementalGroups are never
 * hoisted.
 */
export function foldLadder(rungs: readonly Rung[], version: KopiurVersion): Folded {
  const origins = new Map<string, FieldOrigin>();
  let sc: SecurityContext = {};
  let psc: PodSecurityContext = {};
  for (const r of rungs) {
    sc = overlay('container', sc, r.securityContext, r.from, origins);
    psc = overlay('pod', psc, r.podSecurityContext, r.from, origins);
  }
  if (version.identityMerge === 'highest-pinning-layer')
    for (const field of ['runAsUser', 'runAsGroup'] as const) {
      const top = [...rungs].reverse().find((r) => pinnedId(r, field) !== undefined);
      if (!top) continue;
      const value = pinnedId(top, field) as number;
      const before = origins.get(`container.${field}`);
      // the top rung's own container value already won: nothing was hoisted
      if (top.securityContext?.[field] !== undefined && before?.from === top.from) continue;
      sc = { ...sc, [field]: value };
      origins.set(`container.${field}`, {
        field: `container.${field}`,
        value,
        from: top.from,
        hoisted: {
          level: top.securityContext?.[field] !== undefined ? 'container' : 'pod',
          ...(before &&
            before.from !== top.from && {
              over: { value: before.value as number, from: before.from },
            }),
        },
      });
    }
  return { securityContext: sc, podSecurityContext: psc, origins: [...origins.values()] };
}
