import { kopiurPrivilegedKey } from '../kopiur/gate.js';
import type { ResolvedSubject } from '../report/subjects.js';
import { pushTo } from '../multimap.js';
import { moverRules } from '../volsync/movers.js';
import { scopedToKey } from '../plans/annotation-keys.js';
import { privilegedMoversKey } from '../volsync/privileged.js';
import {
  annotationAt,
  at,
  emit,
  subjectRef,
  type Emission,
  type FindingContext,
} from './context.js';

const scopeLists = (ctx: FindingContext, s: ResolvedSubject) =>
  ctx.namespaces
    .get(s.subject.namespace)
    ?.annotations[scopedToKey]?.split(',')
    .includes(`${s.subject.kind}/${s.subject.name}`) === true;

/**
 * VP001: the annotation makes VolSync set container runAsUser 0, which beats every
 * moverSecurityContext.runAsUser of the namespace (volsync-semantics §0 rule 4; DESIGN.md §1).
 */
export function findAnnotationOverrides(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  const byNs = new Map<string, typeof ctx.subjects>();
  for (const s of ctx.subjects) {
    if (
      s.mover === undefined ||
      s.subject.privileged !== true ||
      moverRules[s.mover.mover].alwaysPrivileged ||
      s.scopePolicy !== undefined || // annotate --scoped's policy takes the override back
      scopeLists(ctx, s) // granted on purpose, and recorded
    )
      continue;
    pushTo(byNs, s.subject.namespace, s);
  }
  for (const [ns, all] of byNs) {
    // the identity the report gives: a mover whose real pod a webhook kept from UID 0 (VP016)
    // does not run as root, whatever VolSync built
    const movers = all.filter(
      (s) => s.observed === undefined || s.containers[0]?.resolution.identity.uid === 0,
    );
    const overridden = movers.filter((s) => (s.mover?.moverSecurityContext?.runAsUser ?? 0) !== 0);
    if (overridden.length === 0) continue;
    const changes = movers.map((s) => {
      const before = s.whatIf?.unprivileged.uid ?? null;
      const now = s.containers[0]?.resolution.identity.uid ?? null;
      return `${s.subject.kind}/${s.subject.name} (${before === null ? '?' : before}→${now === null ? '?' : now})`;
    });
    out.push(
      emit('VP001', movers, {
        message: `Namespace ${ns} annotation ${privilegedMoversKey}="${ctx.namespaces.get(ns)?.annotations[privilegedMoversKey] ?? ''}" makes VolSync set container runAsUser 0, which beats moverSecurityContext.runAsUser: ${movers.length} mover${movers.length > 1 ? 's' : ''} run as UID 0 with CHOWN, DAC_OVERRIDE, FOWNER: ${changes.join(', ')}`,
        objects: [`Namespace/${ns}`, ...movers.map(subjectRef)],
        fix: `remove the annotation (kubectl annotate namespace ${ns} ${privilegedMoversKey}-) and give root only to the mover that needs it (kubectl volsync-perms annotate ns/${ns} --privileged --scoped KIND/NAME), then repair ownership (kubectl volsync-perms fix-job)`,
        ...annotationAt(ctx, ns),
      }),
    );
  }
  return out;
}

const keyNorm = (k: string) => k.toLowerCase().replace(/[^a-z]/g, '');
const wanted = keyNorm(privilegedMoversKey);

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/** A key that is not the annotation key but was surely meant to be. */
export function looksLikePrivilegedKey(k: string): boolean {
  if (k === privilegedMoversKey) return false;
  const n = keyNorm(k);
  return (
    n === wanted ||
    n.includes('privilegedmover') ||
    distance(k.toLowerCase(), privilegedMoversKey) <= 3
  );
}

/**
 * VP007: VolSync reads only the annotation, exactly `volsync.backube/privileged-movers`, and only
 * the value "true" case-insensitively, untrimmed (volsync-semantics §1).
 */
export function findAnnotationMistakes(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  const moversByNs = new Map<string, ResolvedSubject[]>();
  for (const s of ctx.subjects)
    if (s.mover !== undefined) pushTo(moversByNs, s.subject.namespace, s);
  for (const [ns, facts] of ctx.namespaces) {
    const movers = moversByNs.get(ns);
    if (movers === undefined) continue;
    const nsObj = ctx.index.get('Namespace', ns, ns);
    const objects = [`Namespace/${ns}`, ...movers.map(subjectRef)];
    const value = facts.annotations[privilegedMoversKey];
    if (
      value !== undefined &&
      value.toLowerCase() !== 'true' &&
      value.toLowerCase() !== 'false' &&
      value !== ''
    )
      out.push(
        emit('VP007', movers, {
          message: `Namespace ${ns} annotation ${privilegedMoversKey}=${JSON.stringify(value)} is not "true" (VolSync compares the lower-cased value with "true" and trims nothing): the movers run unprivileged`,
          objects,
          fix: `set the value to "true" if privileged movers are intended (kubectl annotate --overwrite namespace ${ns} ${privilegedMoversKey}=true), else remove it`,
          ...annotationAt(ctx, ns),
        }),
      );
    if (facts.labels[privilegedMoversKey] !== undefined && value === undefined)
      out.push(
        emit('VP007', movers, {
          message: `Namespace ${ns} has ${privilegedMoversKey} as a label; VolSync reads only the annotation, so the movers run unprivileged`,
          objects,
          fix: `move it to an annotation: kubectl label namespace ${ns} ${privilegedMoversKey}- && kubectl annotate namespace ${ns} ${privilegedMoversKey}=true`,
          ...at(nsObj, 'metadata', 'labels', privilegedMoversKey),
        }),
      );
    for (const [where, map, field] of [
      ['annotation', facts.annotations, 'annotations'],
      ['label', facts.labels, 'labels'],
    ] as const)
      // kopiur's own key is its gate (VP027), not a misspelling of VolSync's
      for (const k of Object.keys(map).filter(
        (x) => looksLikePrivilegedKey(x) && x !== kopiurPrivilegedKey,
      ))
        out.push(
          emit('VP007', movers, {
            message: `Namespace ${ns} ${where} ${JSON.stringify(k)} looks like a misspelling of ${privilegedMoversKey}; VolSync ignores it`,
            objects,
            fix: `use the exact annotation key ${privilegedMoversKey}`,
            ...at(nsObj, 'metadata', field, k),
          }),
        );
  }
  return out;
}
