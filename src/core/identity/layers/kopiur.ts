import type { KopiurBuild } from '../../kopiur/build-kopiur-mover.js';
import type { InheritOutcome } from '../../kopiur/inherit.js';
import { invariantSource } from '../../kopiur/invariants.js';
import type { TraceStep } from '../trace.js';
import { step, type LayerResult, type ResolveState } from './state.js';

const ladderSource = 'kopiur.md §0 rule 3 (K:crates/api/src/common/mover.rs resolve_mover)';
const hoistSource =
  'kopiur.md §0 rule 4 (kopiur#304; K:crates/api/src/common/secctx.rs merge_context_pair)';

/** Container fields kopiur's ≥ 0.9.0 merge copied from a pod rung: the kopiur layer decided them. */
export function hoistedFields(k: KopiurBuild | undefined): string[] {
  return (k?.folded.origins ?? [])
    .filter((o) => o.hoisted?.level === 'pod')
    .map((o) => o.field.replace(/^container\./, ''));
}

const recordedSrc: Record<string, string> = {
  inherited: 'inherited from the workload at backup time',
  explicit: "the backup recipe's explicit context, never workload-derived",
  defaults: 'repository or hardened defaults, not from the workload',
};

function inheritEffect(i: InheritOutcome): string {
  if ('pod' in i)
    return `${i.pod}${i.predicted ? ' (its pod template: the pod it will run)' : ''}${i.reason === 'InheritPinnedNoUid' ? ' sets no UID: nothing to inherit for it, the image USER stays' : ''}`;
  if ('snapshot' in i) {
    const ids = (['runAsUser', 'runAsGroup'] as const)
      .map((f) => i.rung.securityContext?.[f])
      .concat(i.rung.podSecurityContext?.fsGroup);
    const [uid, gid, fsGroup] = ids.map((x) => (x === undefined ? 'not recorded' : String(x)));
    const src = recordedSrc[i.src] ?? `src ${i.src}, which kopiur does not recognize`;
    return `${i.snapshot} recorded uid ${uid}, gid ${gid}, fsGroup ${fsGroup} (${src})${i.reason === 'RecordedPinnedNoUid' ? ': nothing beyond the hardened baseline, the image USER 65532 stays' : ''}; the data restored is that snapshot's`;
  }
  return i.effect;
}

const fromOf = (k: KopiurBuild, field: string) => k.folded.origins.find((o) => o.field === field);

/**
 * The kopiur layer: which release builds the pod, the rungs of its ladder, the inheritance, the
 * UID and GID the ≥ 0.9.0 merge hoists (or, before, a lower container runAsUser beating a higher
 * pod one), and the invariants. The gate is admission's, not this layer's (kopiur.md §11).
 */
export function resolveKopiurLayer(s: ResolveState): LayerResult<ResolveState> {
  const k = s.input.kopiur;
  if (!k) return { steps: [] };
  const steps: TraceStep[] = [
    step(
      'kopiur',
      'version',
      k.version.tag,
      k.version.assumed
        ? `${k.version.source}; say --kopiur-version if another runs`
        : k.version.source,
      `src/core/kopiur/versions/ (table ${k.version.version.id})`,
    ),
    step(
      'kopiur',
      'ladder',
      k.rungs.map((r) => r.name),
      `each field from the highest rung that sets it: ${k.rungs.map((r) => r.from).join(' ⊂ ')}`,
      ladderSource,
    ),
  ];
  if (k.inherit)
    steps.push(
      step(
        'kopiur',
        'inheritSecurityContextFrom',
        k.inherit.reason,
        inheritEffect(k.inherit),
        'kopiur.md §3.2-3.3, §6 (K:crates/controller/src/io/mover.rs)',
      ),
    );
  for (const f of ['runAsUser', 'runAsGroup'] as const) {
    const o = fromOf(k, `container.${f}`);
    if (o?.hoisted) {
      const over = o.hoisted.over
        ? `, over ${o.hoisted.over.value} from ${o.hoisted.over.from}`
        : '';
      steps.push(
        step(
          'kopiur',
          f,
          o.value as number,
          `the highest rung that pins it is ${o.from} (its ${o.hoisted.level} ${f}): kopiur sets it on the container${over}`,
          hoistSource,
        ),
      );
      continue;
    }
    const pod = fromOf(k, `pod.${f}`);
    const rank = (from: string | undefined) => k.rungs.findIndex((r) => r.from === from);
    if (o && pod && o.value !== pod.value && rank(o.from) < rank(pod.from))
      steps.push(
        step(
          'kopiur',
          f,
          o.value as number,
          `kopiur ${k.version.tag} merges field by field: the container ${f} ${String(o.value)} of ${o.from} beats the pod ${f} ${String(pod.value)} of ${pod.from}, a higher rung (0.9.0 changed this)`,
          'kopiur.md §0 rule 4 (K43:crates/api/src/common.rs:945-980)',
        ),
      );
  }
  for (const c of k.invariants)
    steps.push(step('kopiur', c.field, c.value, `${c.rule}: ${c.why}`, invariantSource));
  for (const n of k.notes) steps.push(step('kopiur', n.field, null, n.effect, ladderSource));
  return { steps };
}
