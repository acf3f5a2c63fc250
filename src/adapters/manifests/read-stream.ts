import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { inputIsLarge, largeInputBytes } from '../large-input.js';
import { addJsonValue, parseYamlItem, parseYamlText, type ParseResult } from './parse-yaml.js';

/**
 * Reads YAML (multi-document) or JSON from a stream. A `kubectl get -A -o yaml` dump is one huge
 * `kind: List` document; its top-level `items:` are cut out and parsed one at a time, so memory
 * stays bounded by the largest object, not the input.
 */
export async function readManifestStream(
  stream: Readable,
  file: string,
  into?: ParseResult,
): Promise<ParseResult> {
  const out = into ?? { objects: [], skipped: [], ignored: 0 };
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let doc: string[] = [];
  let docLine = 1;
  let item: string[] | null = null;
  let itemLine = 0;
  let inItems = false;
  let sawItems = false;
  let json: string[] | null = null;
  let n = 0;
  const flushItem = () => {
    if (item) parseYamlItem(item.join('\n'), file, itemLine, out);
    item = null;
  };
  const flushDoc = () => {
    flushItem();
    if (!sawItems && doc.some((l) => l.trim() !== '' && !l.startsWith('#')))
      parseYamlText(doc.join('\n'), file, docLine, out);
    doc = [];
    inItems = false;
    sawItems = false;
  };
  try {
    let chars = 0;
    for await (const line of rl) {
      n++;
      chars += line.length;
      if (chars > largeInputBytes) inputIsLarge();
      if (json) {
        json.push(line);
        continue;
      }
      if (n === 1 && /^\s*[{[]/.test(line)) {
        json = [line];
        continue;
      }
      if (line.includes('\u0000'))
        throw new InputError(
          `${file}:${n}: binary data, not YAML or JSON; pass Kubernetes manifests`,
        );
      if (/^---(\s|$)/.test(line) || line === '...') {
        flushDoc();
        docLine = n + 1;
        continue;
      }
      if (inItems) {
        if (line.startsWith('- ') || line === '-') {
          flushItem();
          item = [line];
          itemLine = n;
          continue;
        }
        if (item && (line.startsWith(' ') || line.trim() === '' || line.startsWith('#'))) {
          item.push(line);
          continue;
        }
        if (!item && line.startsWith(' ')) {
          // an indented `items:` sequence is not kubectl's layout: read the document whole
          inItems = false;
          sawItems = false;
          doc.push('items:', line);
          continue;
        }
        flushItem();
        inItems = false;
      }
      if (line === 'items:' || line === 'items: []') {
        inItems = line === 'items:';
        sawItems = true;
        continue;
      }
      doc.push(line);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as { code?: string }).code;
    throw new InputError(
      `${file}: cannot read (${code ?? (e as Error).message}); check the path and permissions`,
    );
  }
  if (json) {
    let value: unknown;
    const text = json.join('\n');
    try {
      value = JSON.parse(text);
    } catch {
      // JSON is YAML: the YAML parser reports the line of the problem
      return parseYamlText(text, file, 1, out);
    }
    addJsonValue(value, file, out);
    return out;
  }
  flushDoc();
  return out;
}
