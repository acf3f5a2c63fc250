import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ImageRef } from '../../core/identity/image-ref.js';
import { RegistryError, type RegistryClient } from './client.js';
import type { Descriptor } from './manifest.js';

/** The files the runtime reads to name the user and its groups (k8s-identity §1-2). */
export const identityFiles = ['etc/passwd', 'etc/group'] as const;
type Wanted = (typeof identityFiles)[number];

/** Found text, `null` when a layer deleted it (or no layer has it). */
export type LayerFiles = Record<Wanted, string | null>;

const maxFileBytes = 1 << 20;

/** tar paths come as `etc/x`, `./etc/x` or `/etc/x`. */
const clean = (p: string) => p.replace(/^(\.\/|\/)+/, '').replace(/\/$/, '');

interface Entry {
  name: string;
  type: string;
  size: number;
}

function octal(b: Buffer, start: number, len: number): number {
  const field = b.subarray(start, start + len);
  // GNU base-256 for sizes over 8 GiB: high bit set
  if ((field[0] ?? 0) & 0x80) return field.subarray(1).reduce((n, x) => n * 256 + x, 0);
  return parseInt(field.toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
}

const cstr = (b: Buffer, start: number, len: number) =>
  b
    .subarray(start, start + len)
    .toString('utf8')
    .replace(/\0.*$/s, '');

/**
 * Reads one layer (tar, gzip-compressed or not) and calls `visit` for every entry with its data
 * when `want` says so; PAX and GNU long names are honoured.
 */
async function scanTar(
  source: AsyncIterable<Buffer>,
  want: (e: Entry) => boolean,
  visit: (e: Entry, data: Buffer | undefined) => void,
): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  let longName: string | undefined;
  let pending:
    { entry: Entry; left: number; pad: number; chunks: Buffer[] | undefined } | undefined;
  for await (const chunk of source) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      if (pending) {
        const take = Math.min(pending.left + pending.pad, buf.length);
        const dataPart = Math.min(take, pending.left);
        if (pending.chunks && dataPart > 0) pending.chunks.push(buf.subarray(0, dataPart));
        pending.pad -= take - dataPart;
        pending.left -= dataPart;
        buf = buf.subarray(take);
        if (pending.left > 0 || pending.pad > 0) break;
        const data = pending.chunks ? Buffer.concat(pending.chunks) : undefined;
        const { entry } = pending;
        pending = undefined;
        if (entry.type === 'L') longName = data?.toString('utf8').replace(/\0.*$/s, '');
        else if (entry.type === 'x') {
          const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data?.toString('utf8') ?? '');
          if (m?.[1] !== undefined) longName = m[1];
        } else visit(entry, data);
        continue;
      }
      if (buf.length < 512) break;
      const h = buf.subarray(0, 512);
      buf = buf.subarray(512);
      if (h.every((x) => x === 0)) continue; // end-of-archive blocks
      const prefix = h.subarray(257, 263).toString('latin1').startsWith('ustar')
        ? cstr(h, 345, 155)
        : '';
      const raw = longName ?? (prefix ? `${prefix}/${cstr(h, 0, 100)}` : cstr(h, 0, 100));
      longName = undefined;
      const entry = {
        name: clean(raw),
        type: String.fromCharCode(h[156] ?? 48),
        size: octal(h, 124, 12),
      };
      const meta = entry.type === 'L' || entry.type === 'x';
      const keep = meta || (want(entry) && entry.size <= maxFileBytes);
      pending = {
        entry,
        left: entry.size,
        pad: (512 - (entry.size % 512)) % 512,
        chunks: keep ? [] : undefined,
      };
    }
  }
}

/**
 * /etc/passwd and /etc/group as the container sees them: layers top first, a whiteout
 * (`.wh.name`) or an opaque directory (`.wh..wh..opq`) hides what lower layers hold, and reading
 * stops once both are settled. `maxBytes` caps the compressed bytes read for one image.
 */
export async function readIdentityFiles(
  client: RegistryClient,
  ref: ImageRef,
  layers: Descriptor[],
  maxBytes: number,
): Promise<LayerFiles> {
  const out: Partial<Record<Wanted, string | null>> = {};
  let read = 0;
  for (const layer of [...layers].reverse()) {
    if (identityFiles.every((f) => f in out)) break;
    const res = await client.get(ref, `blobs/${layer.digest}`);
    if (!res.body) continue;
    const counted = Readable.fromWeb(res.body).on('data', (c: Buffer) => {
      read += c.length;
      client.bytes += c.length;
    });
    const found: Partial<Record<Wanted, string | null>> = {};
    const hidden = new Set<string>();
    const source = await maybeGunzip(counted);
    try {
      await scanTar(
        capped(source, () => read > maxBytes),
        (e) =>
          (identityFiles as readonly string[]).includes(e.name) &&
          (e.type === '0' || e.type === '\0'),
        (e, data) => {
          const base = e.name.split('/').pop() ?? '';
          const dir = e.name.slice(0, e.name.length - base.length).replace(/\/$/, '');
          if (base === '.wh..wh..opq') hidden.add(`${dir}/`);
          else if (base.startsWith('.wh.'))
            hidden.add(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
          else if (data && (identityFiles as readonly string[]).includes(e.name))
            found[e.name as Wanted] = data.toString('utf8');
        },
      );
    } catch (e) {
      counted.destroy();
      if (e instanceof RegistryError) throw e;
      throw new RegistryError(
        `${ref.raw} layer ${layer.digest.slice(0, 19)}: ${(e as Error).message}`,
      );
    }
    for (const f of identityFiles) {
      if (f in out) continue;
      if (found[f] !== undefined) out[f] = found[f];
      else if (hidden.has(f) || hidden.has('etc') || hidden.has('etc/')) out[f] = null;
    }
  }
  return { 'etc/passwd': out['etc/passwd'] ?? null, 'etc/group': out['etc/group'] ?? null };
}

async function maybeGunzip(stream: Readable): Promise<AsyncIterable<Buffer>> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  const head: Buffer | undefined = first.done ? undefined : first.value;
  const rest = Readable.from(
    (async function* () {
      if (head) yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(),
  );
  return head?.[0] === 0x1f && head[1] === 0x8b ? rest.pipe(createGunzip()) : rest;
}

async function* capped(source: AsyncIterable<Buffer>, over: () => boolean): AsyncIterable<Buffer> {
  for await (const c of source) {
    if (over())
      throw new RegistryError(
        'layers larger than the read cap before /etc/passwd and /etc/group were found',
      );
    yield c;
  }
}
