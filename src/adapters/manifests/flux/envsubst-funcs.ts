// The string functions of fluxcd/pkg envsubst/funcs.go (v1.9.0), on byte strings
// (envsubst-bytes.ts). `value` is always a variable's value; the arguments are the evaluated
// words of the expression and may be any bytes.
import { decodeRune, encodeRune, mapRunes, splitRunes } from './envsubst-bytes.js';
import { globMatch } from './envsubst-glob.js';

/** `${v^}`: the first rune upper-cased. */
export function upperFirst(value: string): string {
  if (value === '') return value;
  const [rune, width] = decodeRune(value, 0);
  return encodeRune(goUpper(rune)) + value.slice(width);
}

/** `${v,}`: the first rune lower-cased. */
export function lowerFirst(value: string): string {
  if (value === '') return value;
  const [rune, width] = decodeRune(value, 0);
  return encodeRune(goLower(rune)) + value.slice(width);
}

/** `${v^^}`. */
export function upper(value: string): string {
  return mapRunes(value, goUpper);
}

/** `${v,,}`. */
export function lower(value: string): string {
  return mapRunes(value, goLower);
}

// Go's unicode.ToUpper/ToLower use Unicode's simple case mappings, one rune to one rune. JavaScript
// applies SpecialCasing, so a rune it expands (ß -> SS) stays as it is, and the few SpecialCasing
// rules that have a different simple mapping are spelled out. (Go's tables are Unicode 15.0: runes
// added since then have no case mapping in Flux, and are still mapped here.)
function goUpper(rune: number): number {
  const iotaSubscript =
    (rune >= 0x1f80 && rune <= 0x1f87) ||
    (rune >= 0x1f90 && rune <= 0x1f97) ||
    (rune >= 0x1fa0 && rune <= 0x1fa7);
  if (iotaSubscript) return rune + 8;
  if (rune === 0x1fb3 || rune === 0x1fc3 || rune === 0x1ff3) return rune + 9;
  return single(String.fromCodePoint(rune).toUpperCase(), rune);
}

function goLower(rune: number): number {
  if (rune === 0x130) return 0x69;
  return single(String.fromCodePoint(rune).toLowerCase(), rune);
}

function single(mapped: string, rune: number): number {
  const cp = mapped.codePointAt(0) ?? rune;
  return mapped.length === String.fromCodePoint(cp).length ? cp : rune;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * `${v:offset}` and `${v:offset:length}` over bytes; undefined where Go's int64 `offset+length`
 * overflows and envsubst panics on the slice bounds.
 */
export function substring(value: string, args: readonly string[]): string | undefined {
  const size = BigInt(value.length);
  const at = (i: bigint) => Number(i);
  let pos = atoi(args[0]);
  // like bash, an offset or length that is not a number leaves the value whole
  if (pos === undefined) return value;
  if (pos < 0n) pos = size + pos < 0n ? 0n : size + pos;
  if (args.length === 1) return pos < size ? value.slice(at(pos)) : '';
  const length = atoi(args[1]);
  if (length === undefined) return value;
  if (length < 0n) {
    const end = size + length;
    return end < pos ? '' : value.slice(at(pos), at(end));
  }
  const end = pos + length;
  if (end > INT64_MAX) return undefined;
  if (end >= size) return pos < size ? value.slice(at(pos)) : '';
  return value.slice(at(pos), at(end));
}

/** Go's strconv.Atoi: optional sign, ASCII digits, in int64 range. */
function atoi(word: string | undefined): bigint | undefined {
  if (word === undefined || !/^[+-]?[0-9]+$/.test(word)) return undefined;
  const n = BigInt(word);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

export type ReplaceKind = 'replaceFirst' | 'replaceAll' | 'replacePrefix' | 'replaceSuffix';

/** `${v/old/new}`, `${v//old/new}`, `${v/#old/new}`, `${v/%old/new}`: literal, not patterns. */
export function replace(kind: ReplaceKind, value: string, args: readonly string[]): string {
  const [old = '', replacement = ''] = args;
  switch (kind) {
    case 'replaceFirst':
      return goReplace(value, old, replacement, false);
    case 'replaceAll':
      return goReplace(value, old, replacement, true);
    // the anchored forms need both words: `${v/#old/}` leaves the value as it is
    case 'replacePrefix':
      return args.length === 2 && value.startsWith(old)
        ? replacement + value.slice(old.length)
        : value;
    case 'replaceSuffix':
      return args.length === 2 && value.endsWith(old)
        ? value.slice(0, value.length - old.length) + replacement
        : value;
  }
}

/** Go's strings.Replace: an empty `old` matches before the first and after every rune. */
function goReplace(value: string, old: string, replacement: string, all: boolean): string {
  if (old === '')
    return all ? ['', ...splitRunes(value), ''].join(replacement) : replacement + value;
  if (all) return value.split(old).join(replacement);
  const i = value.indexOf(old);
  return i < 0 ? value : value.slice(0, i) + replacement + value.slice(i + old.length);
}

export type TrimKind =
  'trimShortestPrefix' | 'trimLongestPrefix' | 'trimShortestSuffix' | 'trimLongestSuffix';

/**
 * `${v#pat}`, `${v##pat}`, `${v%pat}`, `${v%%pat}`. Unlike bash, the empty prefix is never tried
 * (so `${v#*}` drops one byte), and a suffix is trimmed by trimming the prefix of the rune-reversed
 * value with the rune-reversed pattern.
 */
export function trim(kind: TrimKind, value: string, pattern: string): string {
  switch (kind) {
    case 'trimShortestPrefix':
      return trimPrefix(value, pattern, false);
    case 'trimLongestPrefix':
      return trimPrefix(value, pattern, true);
    case 'trimShortestSuffix':
      return reverse(trimPrefix(reverse(value), reverse(pattern), false));
    case 'trimLongestSuffix':
      return reverse(trimPrefix(reverse(value), reverse(pattern), true));
  }
}

function trimPrefix(value: string, pattern: string, longest: boolean): string {
  let cut = 0;
  for (let end = value.length; end > 0; end--) {
    const matched = globMatch(pattern, value.slice(0, end));
    if (matched === null) return value;
    if (matched) {
      cut = end;
      if (longest) break;
    }
  }
  return value.slice(cut);
}

function reverse(bytes: string): string {
  return splitRunes(mapRunes(bytes, (r) => r))
    .reverse()
    .join('');
}
