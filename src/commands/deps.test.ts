import fc from 'fast-check';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeChunks } from './deps.js';

/** A stream that takes `highWaterMark` bytes before it asks to drain, answering on a later tick. */
function slowSink(highWaterMark: number) {
  const got: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      got.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(got) };
}

describe('writeChunks', () => {
  it('writes the UTF-8 of the chunks joined, across batches, wide characters and large chunks', async () => {
    const wide = '§→😀';
    const chunks = [
      ...Array.from({ length: 40_000 }, (_, i) => `{"n": ${i}, "s": "${wide}"}\n`),
      'x'.repeat(1 << 20),
      wide.repeat(100_000),
      '',
      'end\n',
    ];
    const sink = slowSink(1 << 14);
    await writeChunks(sink.stream, chunks);
    expect(sink.bytes().equals(Buffer.from(chunks.join('')))).toBe(true);
  });

  it('writes what the joined chunks encode to, for any chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string()), {
          maxLength: 50,
        }),
        async (chunks) => {
          const sink = slowSink(64);
          await writeChunks(sink.stream, chunks);
          expect(sink.bytes().equals(Buffer.from(chunks.join('')))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
