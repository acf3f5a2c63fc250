import { YAMLException } from 'js-yaml';
import { InputError } from '../../errors.js';
import type { KubeObject } from '../../core/k8s/object.js';
import { keepObject } from '../keep-object.js';
import { docStart, itemOffsets, lineCounter, readYamlDocs, type YamlDoc } from './yaml-events.js';

export interface ParseResult {
  objects: KubeObject[];
  /** Documents that are not Kubernetes objects, as `file:line`. */
  skipped: string[];
  /** Kubernetes objects of kinds the tool does not use. */
  ignored: number;
}

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
  const docs = read(text, file, firstLine);
  const lineAt = lineCounter(text);
  const fileLine = (offset: number) => lineAt(Math.max(offset, 0)) + firstLine - 1;
  for (const doc of docs) {
    if (doc.value === null || doc.value === undefined) continue;
    const items = itemOffsets(doc, ['items']).map(fileLine);
    addValue(doc.value, file, fileLine(docStart(doc)), out, items);
  }
  return out;
}

/** Parses one list item cut out of a large `kind: List` document (see read-stream.ts). */
export function parseYamlItem(text: string, file: string, line: number, out: ParseResult): void {
  const value = read(text, file, line)[0]?.value;
  const item: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (item !== undefined && item !== null) addValue(item, file, line, out);
}

/** Parses a value that JSON.parse already read: one object or List, at line 1. */
export function addJsonValue(value: unknown, file: string, out: ParseResult): void {
  addValue(value, file, 1, out);
}

function read(text: string, file: string, firstLine: number): YamlDoc[] {
  try {
    return readYamlDocs(text);
  } catch (e) {
    // an error met at the end of the input (an unclosed bracket) belongs to its last line
    const lastLine = text.trimEnd().split('\n').length - 1;
    if (e instanceof YAMLException && e.mark && e.mark.line > lastLine) e.mark.line = lastLine;
    throw malformed(file, firstLine, e);
  }
}

function addValue(
  value: unknown,
  file: string,
  line: number,
  out: ParseResult,
  itemLines: number[] = [],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.skipped.push(`${file}:${line}`);
    return;
  }
  const v = value as Record<string, unknown>;
  if (typeof v['kind'] === 'string' && v['kind'].endsWith('List') && Array.isArray(v['items'])) {
    (v['items'] as unknown[]).forEach((item, i) => {
      addValue(item, file, itemLines[i] ?? line, out);
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

function malformed(file: string, firstLine: number, e: unknown): InputError {
  const line = e instanceof YAMLException ? (e.mark?.line ?? 0) + firstLine : firstLine;
  if (e instanceof RangeError || (e instanceof YAMLException && /maxDepth/.test(e.reason)))
    return new InputError(
      `${file}:${line}: YAML is nested too deeply to read; pass Kubernetes manifests`,
    );
  if (e instanceof YAMLException)
    return new InputError(
      `${file}:${line}: malformed YAML: ${e.reason}; fix the YAML at that line`,
    );
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new InputError(`${file}:${line}: malformed YAML: ${msg ?? ''}; fix the YAML`);
}
