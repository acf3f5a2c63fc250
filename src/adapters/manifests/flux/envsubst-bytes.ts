// Go strings are bytes, and envsubst measures, slices and matches them byte by byte (`${#v}` of
// "é" is 2). Values here are "byte strings": one char per UTF-8 byte, code units 0-255, so that
// JavaScript's string operations index bytes as Go's do.

const RUNE_ERROR = 0xfffd;
const NON_ASCII = /[\u0080-\uffff]/;

/** Encodes `text` as a byte string; a lone surrogate becomes U+FFFD, as UTF-8 cannot hold it. */
export function toBytes(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let out = '';
  for (const ch of text) out += encodeRune(ch.codePointAt(0) ?? RUNE_ERROR);
  return out;
}

/** Decodes a byte string; undefined when it is not valid UTF-8. */
export function fromBytes(bytes: string): string | undefined {
  if (!NON_ASCII.test(bytes)) return bytes;
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const [rune, width] = decodeRune(bytes, i);
    if (rune === RUNE_ERROR && width === 1) return undefined;
    out += String.fromCodePoint(rune);
    i += width;
  }
  return out;
}

/** UTF-8 of one code point, as a byte string. */
export function encodeRune(rune: number): string {
  const r = rune >= 0xd800 && rune <= 0xdfff ? RUNE_ERROR : rune;
  const bytes =
    r < 0x80
      ? [r]
      : r < 0x800
        ? [0xc0 | (r >> 6), 0x80 | (r & 0x3f)]
        : r < 0x10000
          ? [0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f)]
          : [
              0xf0 | (r >> 18),
              0x80 | ((r >> 12) & 0x3f),
              0x80 | ((r >> 6) & 0x3f),
              0x80 | (r & 0x3f),
            ];
  return String.fromCharCode(...bytes);
}

/**
 * The rune at byte `i` and its width, as Go's utf8.DecodeRuneInString: an invalid, overlong or
 * surrogate sequence decodes as U+FFFD of width 1; the end of input as U+FFFD of width 0.
 */
export function decodeRune(bytes: string, i: number): [rune: number, width: number] {
  const b0 = bytes.charCodeAt(i);
  if (Number.isNaN(b0)) return [RUNE_ERROR, 0];
  if (b0 < 0x80) return [b0, 1];
  const [width, lo, hi] =
    b0 >= 0xc2 && b0 <= 0xdf
      ? [2, 0x80, 0xbf]
      : b0 === 0xe0
        ? [3, 0xa0, 0xbf]
        : b0 === 0xed
          ? [3, 0x80, 0x9f]
          : b0 >= 0xe1 && b0 <= 0xef
            ? [3, 0x80, 0xbf]
            : b0 === 0xf0
              ? [4, 0x90, 0xbf]
              : b0 === 0xf4
                ? [4, 0x80, 0x8f]
                : b0 >= 0xf1 && b0 <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : [0, 0, 0];
  if (width === 0) return [RUNE_ERROR, 1];
  let rune = b0 & (0xff >> (width + 1));
  for (let k = 1; k < width; k++) {
    const b = bytes.charCodeAt(i + k);
    const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
    if (!(b >= min && b <= max)) return [RUNE_ERROR, 1];
    rune = (rune << 6) | (b & 0x3f);
  }
  return [rune, width];
}

/** The byte string cut into its UTF-8 sequences, an invalid byte being a sequence of its own. */
export function splitRunes(bytes: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length;) {
    const width = decodeRune(bytes, i)[1];
    out.push(bytes.slice(i, i + width));
    i += width;
  }
  return out;
}

/** Go's `[]rune(s)` and back, each rune re-encoded: invalid bytes become U+FFFD. */
export function mapRunes(bytes: string, map: (rune: number) => number): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const [rune, width] = decodeRune(bytes, i);
    out += encodeRune(map(rune));
    i += width;
  }
  return out;
}
