// The shell pattern matcher of fluxcd/pkg envsubst/path/match.go: Go's path.Match, except that
// `*` and `?` also match "/". Patterns and names are byte strings (envsubst-bytes.ts).
import { decodeRune } from './envsubst-bytes.js';

/** A malformed pattern; envsubst then leaves the value untouched. */
const BAD = null;
/** What a chunk leaves of the name after matching its start, false when it does not match. */
type ChunkMatch = string | false | typeof BAD;

/**
 * Whether `pattern` matches all of `name`; null for a malformed pattern. As in Go, a bad pattern is
 * only noticed once matching reaches it.
 */
export function globMatch(pattern: string, name: string): boolean | null {
  let rest = pattern;
  let left = name;
  next: while (rest.length > 0) {
    const [star, chunk, after] = scanChunk(rest);
    rest = after;
    // a trailing star matches whatever is left
    if (star && chunk === '') return true;
    const here = matchChunk(chunk, left);
    if (typeof here === 'string' && (here === '' || rest.length > 0)) {
      left = here;
      continue;
    }
    if (here === BAD) return BAD;
    if (star) {
      for (let i = 0; i < left.length; i++) {
        const there = matchChunk(chunk, left.slice(i + 1));
        if (typeof there === 'string') {
          if (rest.length === 0 && there !== '') continue;
          left = there;
          continue next;
        }
        if (there === BAD) return BAD;
      }
    }
    return false;
  }
  return left === '';
}

function scanChunk(pattern: string): [star: boolean, chunk: string, rest: string] {
  let start = 0;
  while (pattern[start] === '*') start++;
  let inRange = false;
  let end = start;
  for (; end < pattern.length; end++) {
    const c = pattern[end];
    if (c === '\\') {
      if (end + 1 < pattern.length) end++;
    } else if (c === '[') inRange = true;
    else if (c === ']') inRange = false;
    else if (c === '*' && !inRange) break;
  }
  return [start > 0, pattern.slice(start, end), pattern.slice(end)];
}

function matchChunk(chunk: string, name: string): ChunkMatch {
  let c = 0;
  let n = 0;
  while (c < chunk.length) {
    if (n >= name.length) return false;
    const op = chunk[c];
    if (op === '[') {
      const [rune, width] = decodeRune(name, n);
      n += width;
      c++;
      const negated = chunk[c] === '^';
      if (negated) c++;
      let matched = false;
      for (let ranges = 0; !(chunk[c] === ']' && ranges > 0); ranges++) {
        const lo = classRune(chunk, c);
        if (lo === BAD) return BAD;
        const hi = chunk[lo.next] === '-' ? classRune(chunk, lo.next + 1) : lo;
        if (hi === BAD) return BAD;
        c = hi.next;
        if (lo.rune <= rune && rune <= hi.rune) matched = true;
      }
      c++;
      if (matched === negated) return false;
    } else if (op === '?') {
      n += decodeRune(name, n)[1];
      c++;
    } else {
      if (op === '\\') {
        c++;
        if (c >= chunk.length) return BAD;
      }
      if (chunk[c] !== name[n]) return false;
      c++;
      n++;
    }
  }
  return name.slice(n);
}

/** One character of a `[...]` class, possibly escaped; a class may not end the pattern. */
function classRune(chunk: string, at: number): { rune: number; next: number } | typeof BAD {
  let c = at;
  if (c >= chunk.length || chunk[c] === '-' || chunk[c] === ']') return BAD;
  if (chunk[c] === '\\') {
    c++;
    if (c >= chunk.length) return BAD;
  }
  const [rune, width] = decodeRune(chunk, c);
  if ((rune === 0xfffd && width === 1) || c + width >= chunk.length) return BAD;
  return { rune, next: c + width };
}
