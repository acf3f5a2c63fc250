import { readFileSync } from 'node:fs';
import { asString, isObject, path, type Json } from '../../../core/k8s/json.js';
import { docStart, lineCounter, readYamlDocs } from '../yaml-events.js';

interface FileIndex {
  text: string;
  /** kind and unsubstituted metadata.name of each document, with its first line and value. */
  docs: { kind: string; name: string; line: number; value: Json }[];
}

/**
 * Lines in the repository's own files (the templates before substitution), read once each: where a
 * rendered object's document starts, and where a kustomization writes a given text.
 */
export class SourceLines {
  private readonly files = new Map<string, FileIndex | undefined>();

  private index(file: string): FileIndex | undefined {
    if (!this.files.has(file)) this.files.set(file, readIndex(file));
    return this.files.get(file);
  }

  /** The first line of the document of that kind and (template) name; 1 when not found. */
  documentLine(file: string, kind: string, name: string): number {
    return this.template(file, kind, name)?.line ?? 1;
  }

  private template(file: string, kind: string, name: string) {
    const docs = this.index(file)?.docs.filter((d) => d.kind === kind) ?? [];
    return docs.length === 1 ? docs[0] : docs.find((d) => d.name === name);
  }

  /** The name a document of that kind has in the file (the only one of its kind, else `name`). */
  templateName(file: string, kind: string, name: string): string {
    return this.template(file, kind, name)?.name ?? name;
  }

  /** The document as written in the file, before kustomize and substitution. */
  templateValue(file: string, kind: string, name: string): Json | undefined {
    return this.template(file, kind, name)?.value;
  }

  /** The first line of `file` containing `text`, or undefined. */
  lineOf(file: string, text: string): number | undefined {
    const source = this.index(file)?.text;
    const at = source?.indexOf(text) ?? -1;
    return source === undefined || at < 0 ? undefined : lineCounter(source)(at);
  }
}

function readIndex(file: string): FileIndex | undefined {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lineAt = lineCounter(text);
  let docs: FileIndex['docs'] = [];
  try {
    docs = readYamlDocs(text).flatMap((d) =>
      isObject(d.value)
        ? [
            {
              kind: asString(d.value['kind']) ?? '',
              name: asString(path(d.value, 'metadata', 'name')) ?? '',
              line: lineAt(Math.max(docStart(d), 0)),
              value: d.value,
            },
          ]
        : [],
    );
  } catch {
    // a file kustomize read but this parser cannot: lines fall back to 1
  }
  return { text, docs };
}
