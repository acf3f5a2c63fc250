import {
  constructFromEvents,
  CORE_SCHEMA,
  EVENT_ID,
  getScalarValue,
  mergeTag,
  parseEvents,
  type Event,
} from 'js-yaml';

/**
 * kubectl reads manifests with go-yaml: merge keys (`<<`) apply and a repeated key keeps its last
 * value. Aliases are capped so that an alias bomb cannot expand into the objects we keep.
 */
const schema = CORE_SCHEMA.withTags(mergeTag);
const limits = { maxDepth: 200, maxAliases: 100 } as const;

/** One YAML document: its value and the parser events that locate any of its nodes. */
export interface YamlDoc {
  value: unknown;
  events: Event[];
  source: string;
}

/** Parses a multi-document YAML (or JSON) text; throws the parser's error (with `mark`). */
export function readYamlDocs(source: string): YamlDoc[] {
  const events = parseEvents(source, { maxDepth: limits.maxDepth });
  const docs: YamlDoc[] = [];
  let begin = 0;
  let depth = 0;
  events.forEach((e, i) => {
    if (e.type === EVENT_ID.POP) depth--;
    else if (e.type !== EVENT_ID.SCALAR && e.type !== EVENT_ID.ALIAS) depth++;
    if (depth !== 0) return;
    const own = events.slice(begin, i + 1);
    const [value] = constructFromEvents(own, {
      source,
      schema,
      json: true,
      maxAliases: limits.maxAliases,
    });
    docs.push({ value, events: own, source });
    begin = i + 1;
  });
  return docs;
}

/** Source offset where the node at event `i` starts; -1 when it has none (an empty document). */
function startOf(e: Event | undefined): number {
  if (e === undefined) return -1;
  if (e.type === EVENT_ID.SCALAR) return e.valueStart;
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return e.start;
  if (e.type === EVENT_ID.ALIAS) return e.anchorStart - 1;
  return -1;
}

/** Index of the event after the node that starts at event `i`. */
function skipNode(events: Event[], i: number): number {
  const e = events[i];
  if (e?.type !== EVENT_ID.MAPPING && e?.type !== EVENT_ID.SEQUENCE) return i + 1;
  let depth = 0;
  for (let j = i; j < events.length; j++) {
    const t = events[j]?.type;
    if (t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) depth++;
    else if (t === EVENT_ID.POP && --depth === 0) return j + 1;
  }
  return events.length;
}

/**
 * How far a path leads: the event index of the deepest node found, the offset of its key (or its
 * start), and whether the whole path was found.
 */
function walk(
  doc: YamlDoc,
  path: readonly (string | number)[],
): { node: number; at: number; complete: boolean } {
  let node = 1; // events[0] is the document
  let at = startOf(doc.events[node]);
  for (const seg of path) {
    const e = doc.events[node];
    let i = node + 1;
    let found = false;
    if (e?.type === EVENT_ID.MAPPING) {
      while (i < doc.events.length && doc.events[i]?.type !== EVENT_ID.POP) {
        const key = doc.events[i];
        const value = skipNode(doc.events, i);
        if (key?.type === EVENT_ID.SCALAR && getScalarValue(doc.source, key) === String(seg)) {
          [node, at, found] = [value, key.valueStart, true];
          break;
        }
        i = skipNode(doc.events, value);
      }
    } else if (e?.type === EVENT_ID.SEQUENCE && typeof seg === 'number') {
      for (let k = 0; i < doc.events.length && doc.events[i]?.type !== EVENT_ID.POP; k++) {
        if (k === seg) {
          [node, at, found] = [i, startOf(doc.events[i]), true];
          break;
        }
        i = skipNode(doc.events, i);
      }
    }
    if (!found) return { node, at, complete: false };
  }
  return { node, at, complete: true };
}

/** Offset of the document's root node, -1 for an empty document. */
export const docStart = (doc: YamlDoc): number => startOf(doc.events[1]);

/**
 * Offset of the key that holds `path` (the item itself in a sequence); when the path is only
 * partly there, of its deepest part: a missing moverSecurityContext points at its mover.
 */
export function offsetOf(doc: YamlDoc, path: readonly (string | number)[]): number {
  return walk(doc, path).at;
}

/** Offsets of the items of the sequence at `path` (a List's `items`). */
export function itemOffsets(doc: YamlDoc, path: readonly string[]): number[] {
  const hit = walk(doc, path);
  if (!hit.complete || doc.events[hit.node]?.type !== EVENT_ID.SEQUENCE) return [];
  const out: number[] = [];
  for (let i = hit.node + 1; i < doc.events.length && doc.events[i]?.type !== EVENT_ID.POP;) {
    out.push(startOf(doc.events[i]));
    i = skipNode(doc.events, i);
  }
  return out;
}

/** A function from source offset to 1-based line, for offsets met in increasing or any order. */
export function lineCounter(source: string): (offset: number) => number {
  const starts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
