import { sccGroupsKey, sccUidRangeKey } from '../admission/openshift.js';
import { enforceLabel } from '../admission/pod-security.js';
import type { ImageFacts } from '../identity/image.js';
import { fillable, type Fill } from '../placeholder.js';
import type { MoverSpec } from '../volsync/mover-spec.js';
import { privilegedMoversKey, type NamespaceFacts } from '../volsync/privileged.js';
import { predictMover, type MoverPrediction } from './predict-mover.js';
import type { SubjectContext } from './subjects.js';

/**
 * Predictions by mover shape: the mover without its namespace, its image and what the prediction
 * reads of its Namespace. A fleet stamped from one template (the same ReplicationSource in every
 * tenant's namespace) predicts each shape three times, whatever the number of its movers: the
 * first two as they are, the third with the placeholder below, filled in for every mover after.
 *
 * The namespace's name enters a prediction only as text (the privileged-movers step names the
 * Namespace, Pod Security says the label is not set on it): the pod build cannot read it
 * (MoverShape), and nothing branches on it. So a shape is predicted once with a placeholder for
 * the name and filled in per namespace (placeholder.ts). What the prediction reads of the
 * Namespace is in the key, and it is given nothing else: a reader of another label would see none
 * here, and the equality test (mover-shapes.test.ts) would fail.
 */
export interface ShapeMemo {
  /** `Kind/name` of the movers met. */
  names: Set<string>;
  /** By shape: its prediction to fill in, once met twice. */
  fills: Map<string, Fill<MoverPrediction> | 'met once'>;
}

export const shapeMemo = (): ShapeMemo => ({ names: new Set(), fills: new Map() });

// private-use characters, which no Kubernetes name holds; an input value that holds them is
// found before it could be filled in (holdsPlaceholder)
const placeholder = '\u{E000}namespace\u{E000}';

/** Per image's facts (one object per image of a report): whether any of its text holds the placeholder. */
const imageHolds = new WeakMap<ImageFacts, boolean>();

function holdsPlaceholder(key: string, image: ImageFacts): boolean {
  if (key.includes(placeholder)) return true;
  let holds = imageHolds.get(image);
  if (holds === undefined)
    imageHolds.set(image, (holds = JSON.stringify(image).includes(placeholder)));
  return holds;
}

const reads = {
  annotations: [privilegedMoversKey, sccUidRangeKey, sccGroupsKey],
  labels: [enforceLabel],
};

function pick(from: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/** The Namespace as the prediction sees it: only what it reads, named by the placeholder. */
function readOf(facts: NamespaceFacts): NamespaceFacts {
  return {
    name: placeholder,
    annotations: pick(facts.annotations, reads.annotations),
    labels: pick(facts.labels, reads.labels),
  };
}

/**
 * The mover's prediction, from the memo when its shape was met. annotate --scoped's policies
 * select pods by the namespace's name and labels, so with any in the input every mover is
 * predicted on its own.
 */
export function predictByShape(
  ctx: SubjectContext,
  m: MoverSpec,
  facts: NamespaceFacts | undefined,
  image: { ref: string; facts: ImageFacts },
): MoverPrediction {
  const { namespace: ns, ...shape } = m;
  if (!ctx.shapes || ctx.policies.length > 0) return predictMover(ctx, shape, ns, facts, image);
  // the name first, as a cheap sieve: a mover whose kind and name no other has is one of a kind
  const named = `${shape.kind}/${shape.name}`;
  if (!ctx.shapes.names.has(named)) {
    ctx.shapes.names.add(named);
    return predictMover(ctx, shape, ns, facts, image);
  }
  const read = facts && readOf(facts);
  const key = JSON.stringify([shape, image.ref, read ? [read.annotations, read.labels] : null]);
  // a placeholder in the input itself would be filled in too: predict such a mover on its own
  if (holdsPlaceholder(key, image.facts)) return predictMover(ctx, shape, ns, facts, image);
  let fill = ctx.shapes.fills.get(key);
  // a shape met once is predicted as it is: most of a hand-written tree's movers are one of a
  // kind, and holding a fillable copy of each would cost more memory than the memo saves time
  if (fill === undefined) {
    ctx.shapes.fills.set(key, 'met once');
    return predictMover(ctx, shape, ns, facts, image);
  }
  if (fill === 'met once') {
    fill = fillable(predictMover(ctx, shape, placeholder, read, image), placeholder);
    ctx.shapes.fills.set(key, fill);
  }
  return fill(ns);
}
