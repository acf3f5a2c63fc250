import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { parseYamlText } from './parse-yaml.js';
import { offsetOf, readYamlDocs } from './yaml-events.js';

const ns = (extra = '') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a${extra}\n`;

describe('parsing YAML as kubectl reads it', () => {
  it('applies merge keys (<<), as go-yaml does', () => {
    const text = `base: &b\n  name: merged\napiVersion: v1\nkind: Namespace\nmetadata:\n  <<: *b\n`;
    expect(parseYamlText(text, 'f.yaml').objects[0]?.metadata.name).toBe('merged');
  });

  it('keeps the last value of a repeated key', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: first\n  name: last\n`;
    expect(parseYamlText(text, 'f.yaml').objects[0]?.metadata.name).toBe('last');
  });

  it('gives each item of a List read whole the line where the item starts', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - ${ns().trimEnd().replace(/\n/g, '\n    ')}\n  - ${ns('b').trimEnd().replace(/\n/g, '\n    ')}\n`;
    const lines = parseYamlText(text, 'f.yaml').objects.map((o) => o.origin?.line);
    expect(lines).toEqual([4, 8]);
  });

  it('gives each document the line of its first key, after comments and markers', () => {
    const text = `# header\n---\n\n${ns()}---\n# c\n${ns('b')}`;
    expect(parseYamlText(text, 'f.yaml', 10).objects.map((o) => o.origin?.line)).toEqual([13, 19]);
  });

  it.each([
    ['an unclosed flow collection', `${ns()}  labels: {a: [b\n`, 'f.yaml:5: malformed YAML'],
    ['a tab-indented key', `apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: a\n`, 'f.yaml:4'],
    [
      'nesting deeper than any manifest',
      `a: ${'['.repeat(300)}${']'.repeat(300)}\n`,
      'nested too deeply',
    ],
    [
      'an alias bomb',
      `a: &a [x,x,x,x,x,x,x,x,x,x]\n${Array.from({ length: 120 }, (_, i) => `b${i}: *a`).join('\n')}\n`,
      'malformed YAML',
    ],
  ])('rejects %s with file and line', (_, text, message) => {
    expect(() => parseYamlText(text, 'f.yaml')).toThrow(InputError);
    expect(() => parseYamlText(text, 'f.yaml')).toThrow(message);
  });
});

describe('locating a field in a document', () => {
  const text = `kind: Namespace\nmetadata:\n  name: a\n  annotations:\n    x: "1"\n    volsync.backube/privileged-movers: "true"\nlist:\n- a\n- {b: 1}\n`;
  const doc = readYamlDocs(text)[0];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;

  it.each([
    [['metadata', 'annotations', 'volsync.backube/privileged-movers'], 6],
    [['metadata', 'name'], 3],
    [['list', 1, 'b'], 9],
    [['list', 0], 8],
    [['metadata', 'labels'], 2],
    [['list', 5], 7],
  ] as const)('finds %j at line %s (its deepest part that exists)', (path, line) => {
    expect(doc && lineOf(offsetOf(doc, path))).toBe(line);
  });
});
