import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { readManifestStream } from './read-stream.js';

const read = (text: string) => readManifestStream(Readable.from([text]), 'in.yaml');

describe('reading manifests', () => {
  it('keeps file and line of every object in a multi-document file, and skips non-Kubernetes documents', async () => {
    const r = await read(
      'a: 1\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    );
    expect(r.objects.map((o) => [o.kind, o.origin?.line])).toEqual([['Namespace', 3]]);
    expect(r.skipped).toEqual(['in.yaml:1']);
    expect(r.ignored).toBe(1);
  });

  it('cuts a kubectl List dump into items with their own lines', async () => {
    const r = await read(
      'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: b\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
    expect(r.objects.map((o) => [o.metadata.name, o.origin?.line])).toEqual([
      ['a', 3],
      ['b', 7],
    ]);
  });

  it('reads JSON lists (kubectl -o json)', async () => {
    const r = await read(
      JSON.stringify(
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'j' } }],
        },
        null,
        2,
      ),
    );
    expect(r.objects.map((o) => o.metadata.name)).toEqual(['j']);
  });

  it.each([
    [
      'malformed YAML, with its line',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [x\n',
      /^in\.yaml:\d+: malformed YAML/,
    ],
    ['binary data', 'apiVersion: v1\u0000\u0001', /binary data/],
    ['deep nesting', `x: ${'['.repeat(20000)}${']'.repeat(20000)}`, /nested too deeply|malformed/],
    [
      'an invalid name',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad_Name\n',
      /invalid name/,
    ],
    [
      'an invalid namespace',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: "a b"\nspec: {}\n',
      /invalid namespace/,
    ],
  ])('rejects %s with one line naming the file', async (_l, text, msg) => {
    const err = await read(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(msg);
    expect((err as InputError).message).not.toContain('\n');
  });
});
