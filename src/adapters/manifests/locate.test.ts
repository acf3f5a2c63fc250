import { describe, expect, it } from 'vitest';
import { fieldLocator } from './locate.js';
import { parseYamlText } from './parse-yaml.js';

const files: Record<string, string> = {
  'multi.yaml': `# two documents\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n  annotations:\n    x: y\n    volsync.backube/privileged-movers: "true"\n`,
  'list.yaml': `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    labels:\n      volsync.backube/privileged-movers: "true"\n    name: b\n`,
};
const key = ['metadata', 'annotations', 'volsync.backube/privileged-movers'];
const label = ['metadata', 'labels', 'volsync.backube/privileged-movers'];

describe('locating the field a finding points at', () => {
  const locate = fieldLocator((f) => files[f]);
  const originOf = (file: string, name: string) => {
    const o = parseYamlText(files[file] ?? '', file).objects.find((x) => x.metadata.name === name);
    if (!o?.origin) throw new Error(`no ${name} in ${file}`);
    return o.origin;
  };

  it.each([
    ['the annotation of the second document', 'multi.yaml', 'b', key, 13],
    ['the deepest existing part when the field is absent', 'multi.yaml', 'a', key, 4],
    ['a label inside a List item', 'list.yaml', 'b', label, 12],
    ['a field of the first List item', 'list.yaml', 'a', ['metadata', 'name'], 7],
  ])('finds %s', (_l, file, name, field, line) => {
    expect(locate(originOf(file, name), field)).toBe(line);
  });

  it('keeps the object line for a source that cannot be read again (stdin)', () => {
    expect(locate({ file: '<stdin>', line: 42 }, key)).toBe(42);
  });
});
