// A minimal ustar writer for test image layers (no docker on the test machine).

/** One tar member; paths relative, without a trailing `/` (a directory gets one in the archive). */
export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  content?: Buffer;
  target?: string;
}

/** Writes `value` as a NUL-terminated octal field of `width` bytes (POSIX ustar numbers). */
function octal(h: Buffer, offset: number, width: number, value: number) {
  h.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

/** ustar keeps up to 100 bytes of name plus a 155-byte prefix split at a `/`. */
function splitName(path: string): [prefix: string, name: string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function tarHeader(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  const [prefix, name] = splitName(e.type === 'dir' ? `${e.path}/` : e.path);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, e.mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0); // mtime: fixed, so the same spec gives the same digest
  h.write(' '.repeat(8), 148, 8, 'ascii'); // checksum counts as spaces while summing
  h.write({ file: '0', dir: '5', symlink: '2' }[e.type], 156, 1, 'ascii');
  if (e.target !== undefined) h.write(e.target, 157, 100, 'utf8');
  h.write('ustar\0' + '00', 257, 8, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** A ustar archive of the entries, in order, ending with the two zero blocks. */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.content ?? Buffer.alloc(0);
    parts.push(tarHeader(e, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
