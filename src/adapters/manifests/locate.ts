import type { LocateField } from '../../core/k8s/object.js';
import {
  docStart,
  itemOffsets,
  lineCounter,
  offsetOf,
  readYamlDocs,
  type YamlDoc,
} from './yaml-events.js';

interface Located {
  doc: YamlDoc;
  prefix: (string | number)[];
  lineAt: (offset: number) => number;
}

/**
 * Locates fields by reading the manifests again, only for the findings that are reported (SARIF):
 * reading keeps no positions, so a cluster dump stays small in memory. `readText` returns a
 * file's text, or undefined for a source that cannot be read again (stdin, kustomize output).
 */
export function fieldLocator(readText: (file: string) => string | undefined): LocateField {
  const files = new Map<string, Map<number, Located> | undefined>();
  const objectsOf = (file: string) => {
    if (!files.has(file)) files.set(file, objectLines(readText(file)));
    return files.get(file);
  };
  return (origin, field) => {
    const hit = objectsOf(origin.file)?.get(origin.line);
    if (!hit) return origin.line;
    const offset = offsetOf(hit.doc, [...hit.prefix, ...field]);
    return offset < 0 ? origin.line : hit.lineAt(offset);
  };
}

/** Every object of a text by its first line, as the reader numbers them (documents, List items). */
function objectLines(text: string | undefined): Map<number, Located> | undefined {
  if (text === undefined) return undefined;
  let docs;
  try {
    docs = readYamlDocs(text);
  } catch {
    return undefined; // changed since it was read: keep the lines the reader gave
  }
  const lineAt = lineCounter(text);
  const out = new Map<number, Located>();
  for (const doc of docs) {
    const start = docStart(doc);
    if (start < 0) continue;
    out.set(lineAt(start), { doc, prefix: [], lineAt });
    itemOffsets(doc, ['items']).forEach((o, i) => {
      out.set(lineAt(o), { doc, prefix: ['items', i], lineAt });
    });
  }
  return out;
}
