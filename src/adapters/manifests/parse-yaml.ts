import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { InputError } from '../../errors.js';
import type { KubeObject } from '../../core/k8s/object.js';
import { keepObject } from './keep.js';

export interface ParseResult {
  objects: KubeObject[];
  /** Documents that are not Kubernetes objects, as `file:line`. */
  skipped: string[];
  /** Kubernetes objects of kinds the tool does not use. */
  ignored: number;
}

const yamlOptions = { maxAliasCount: 100, uniqueKeys: false, strict: false } as const;

/**
 * Parses one YAML text (one or more documents, `kind: List` included) into the objects the tool
 * uses, each with its file and line. `firstLine` is the text's first line in the file.
 */
export function parseYamlText(
  text: string,
  file: string,
  firstLine = 1,
  into?: ParseResult,
): ParseResult {
  const out = into ?? { objects: [], skipped: [], ignored: 0 };
  if (text.includes('\u0000'))
    throw new InputError(`${file}: binary data, not YAML or JSON; pass Kubernetes manifests`);
  const lc = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { ...yamlOptions, lineCounter: lc });
  } catch (e) {
    throw malformed(file, firstLine, e);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const line = (err.linePos?.[0].line ?? 1) + firstLine - 1;
      throw new InputError(
        `${file}:${line}: malformed YAML: ${yamlMessage(err.message)}; fix the YAML at that line`,
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw malformed(file, firstLine, e);
    }
    if (value === null || value === undefined) continue;
    const start = doc.contents?.range[0] ?? 0;
    const line = lc.linePos(start).line + firstLine - 1;
    addValue(value, file, line, out, doc.contents, lc, firstLine);
  }
  return out;
}

/** Parses one list item cut out of a large `kind: List` document (see read-stream.ts). */
export function parseYamlItem(text: string, file: string, line: number, out: ParseResult): void {
  let doc;
  try {
    doc = parseDocument(text, yamlOptions);
  } catch (e) {
    throw malformed(file, line, e);
  }
  const err = doc.errors[0];
  if (err)
    throw new InputError(
      `${file}:${(err.linePos?.[0].line ?? 1) + line - 1}: malformed YAML: ${yamlMessage(err.message)}; fix the YAML at that line`,
    );
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const item: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (item !== undefined && item !== null) addValue(item, file, line, out);
}

function addValue(
  value: unknown,
  file: string,
  line: number,
  out: ParseResult,
  node?: unknown,
  lc?: LineCounter,
  firstLine = 1,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.skipped.push(`${file}:${line}`);
    return;
  }
  const v = value as Record<string, unknown>;
  if (typeof v['kind'] === 'string' && v['kind'].endsWith('List') && Array.isArray(v['items'])) {
    const items = v['items'] as unknown[];
    const itemNodes = itemsNodes(node);
    items.forEach((item, i) => {
      const r = itemNodes?.[i];
      const itemLine = r && lc ? lc.linePos(r).line + firstLine - 1 : line;
      addValue(item, file, itemLine, out);
    });
    return;
  }
  if (typeof v['apiVersion'] !== 'string' || typeof v['kind'] !== 'string') {
    out.skipped.push(`${file}:${line}`);
    return;
  }
  const kept = keepObject(v, { file, line });
  if (kept) out.objects.push(kept);
  else out.ignored++;
}

/** Start offsets of the items of a List document's `items:` sequence. */
function itemsNodes(node: unknown): number[] | undefined {
  const n = node as
    | { items?: { key?: { value?: unknown }; value?: { items?: { range?: number[] }[] } }[] }
    | undefined;
  const pair = n?.items?.find((p) => p.key?.value === 'items');
  return pair?.value?.items?.map((i) => i.range?.[0] ?? 0);
}

function malformed(file: string, line: number, e: unknown): InputError {
  if (e instanceof RangeError)
    return new InputError(
      `${file}:${line}: YAML is nested too deeply to read; pass Kubernetes manifests`,
    );
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new InputError(`${file}:${line}: malformed YAML: ${msg ?? ''}; fix the YAML`);
}

/** The yaml library's first message line, without its own position (we print file:line). */
function yamlMessage(msg: string): string {
  return (msg.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}
