// The grammar of fluxcd/pkg envsubst/parse (v1.9.0), quirks included, since Flux fails a build on
// whatever this parser rejects. Only `${` opens an expression: a bare `$VAR` is text.
import type { ReplaceKind, TrimKind } from './envsubst-funcs.js';

export type Kind =
  | 'value'
  | 'default'
  | 'length'
  | 'upperFirst'
  | 'upper'
  | 'lowerFirst'
  | 'lower'
  | 'substring'
  | ReplaceKind
  | TrimKind;

/** Literal text, or a `${...}` expression. */
export type Part = string | Expansion;

export interface Expansion {
  name: string;
  kind: Kind;
  /** The words after the operator; a default's words are joined. */
  args: Part[];
  /** Where `${` starts and the closing `}` ends, in the parsed text. */
  start: number;
  end: number;
}

/** Flux's post-build substitution fails on this text; the message names the expression. */
export class SubstitutionError extends Error {
  constructor(
    message: string,
    /** The reason as Flux words it. */
    readonly reason: string,
    /** The variable at fault, when one is. */
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'SubstitutionError';
  }
}

const BAD = 'bad substitution';
const NO_BRACE = 'missing closing brace';
const NO_NAME = 'unable to parse variable name';
const NO_WORD = 'unable to parse substitution within function';

const CASES: Readonly<Record<string, Kind>> = {
  '^': 'upperFirst',
  '^^': 'upper',
  ',': 'lowerFirst',
  ',,': 'lower',
};
const REPLACES: Readonly<Record<string, ReplaceKind>> = {
  '/': 'replaceAll',
  '#': 'replacePrefix',
  '%': 'replaceSuffix',
};

// Go's unicode.IsLetter and unicode.IsDigit (whose tables are Unicode 15.0)
const IDENT = /[\p{L}\p{Nd}_]/u;
const TRIMS: Readonly<Record<string, TrimKind>> = {
  '#': 'trimShortestPrefix',
  '##': 'trimLongestPrefix',
  '%': 'trimShortestSuffix',
  '%%': 'trimLongestSuffix',
};

const notClose = (ch: string) => ch !== '}';
const notColonOrClose = (ch: string) => ch !== ':' && ch !== '}';
const notSlash = (ch: string) => ch !== '/';

/** Parses `src` into text and expressions, turning the `$$` escape into `$`. */
export function parseTemplate(src: string): Part[] {
  let pos = 0;
  let outer = 0;

  const fail = (reason: string): never => {
    const line = src.slice(outer).split('\n', 1)[0] ?? '';
    const shown = line.length > 60 ? `${line.slice(0, 60)}...` : line;
    throw new SubstitutionError(
      `${shown}: ${reason}; Flux fails the build on it (write $\${ for a literal \${)`,
      reason,
    );
  };
  const expect = (ch: string, reason: string) => {
    if (src[pos] !== ch) fail(reason);
    pos++;
  };
  const opens = (at: number) => src.startsWith('${', at);
  const identifier = () => {
    const from = pos;
    while (pos < src.length) {
      const full = String.fromCodePoint(src.codePointAt(pos) ?? 0);
      if (!IDENT.test(full)) break;
      pos += full.length;
    }
    return src.slice(from, pos);
  };

  // One word of an expression: a nested expression, or text up to `${` or a character `accept`
  // refuses. Only the words of a replacement know the escapes `$$`, `\/` and `\\`.
  const word = (accept: (ch: string) => boolean, escapes: boolean): Part => {
    if (pos >= src.length) fail(NO_WORD);
    if (opens(pos)) return expansion();
    let text = '';
    while (pos < src.length && !opens(pos)) {
      const pair = src.slice(pos, pos + 2);
      if (escapes && (pair === '$$' || pair === '\\/' || pair === '\\\\')) {
        text += pair.slice(1);
        pos += 2;
        continue;
      }
      const ch = String.fromCodePoint(src.codePointAt(pos) ?? 0);
      if (!accept(ch)) break;
      text += ch;
      pos += ch.length;
    }
    if (text === '') fail(NO_WORD);
    return text;
  };

  const expansion = (): Expansion => {
    const start = pos;
    pos += 2;
    const node = (name: string, kind: Kind, args: Part[] = []): Expansion => ({
      name,
      kind,
      args,
      start,
      end: pos,
    });
    if (src[pos] === '#') {
      pos++;
      const name = identifier();
      if (name === '') fail(BAD);
      expect('}', BAD);
      return node(name, 'length');
    }
    const name = identifier();
    if (name === '') fail(NO_NAME);
    const op = src[pos];
    if (op === ':' && '=-?+'.includes(src[pos + 1] ?? 'x')) {
      pos += 2;
      return node(name, 'default', defaultWords());
    }
    if (op === ':') {
      // Go's scanner steps back by the width of the rune after the colon, so a multi-byte one
      // (or none) lands it inside the name
      const after = src.charCodeAt(pos + 1);
      if (Number.isNaN(after) || after >= 0x80) fail(BAD);
      pos++;
      const args = [word(notColonOrClose, false)];
      if (src[pos] !== '}') {
        if (src[pos] !== ':') fail(BAD);
        while (src[pos] === ':') pos++;
        args.push(word(notClose, false));
      }
      expect('}', BAD);
      return node(name, 'substring', args);
    }
    if (op === '=') {
      pos++;
      return node(name, 'default', defaultWords());
    }
    if (op === ',' || op === '^') {
      const from = pos;
      while (pos - from < 2 && (src[pos] === ',' || src[pos] === '^')) pos++;
      const kind = CASES[src.slice(from, pos)] ?? 'value';
      expect('}', BAD);
      return node(name, kind);
    }
    if (op === '/') {
      pos++;
      const variant = REPLACES[src[pos] ?? ''];
      if (variant) pos++;
      const kind = variant ?? 'replaceFirst';
      const args = [word(notSlash, true)];
      if (src[pos] !== '/') fail(BAD);
      while (src[pos] === '/') pos++;
      if (src[pos] !== '}') args.push(word(notClose, true));
      expect('}', BAD);
      return node(name, kind, args);
    }
    if (op === '#' || op === '%') {
      const ops = src[pos + 1] === op ? op + op : op;
      pos += ops.length;
      const args = [word(notClose, false)];
      expect('}', BAD);
      return node(name, TRIMS[ops] ?? 'trimShortestPrefix', args);
    }
    expect('}', NO_BRACE);
    return node(name, 'value');
  };

  const defaultWords = (): Part[] => {
    const words: Part[] = [];
    while (src[pos] !== '}') words.push(word(notClose, false));
    pos++;
    return words;
  };

  const parts: Part[] = [];
  while (pos < src.length) {
    if (opens(pos)) {
      outer = pos;
      parts.push(expansion());
      continue;
    }
    let text = '';
    while (pos < src.length && !opens(pos)) {
      const dollar = src.indexOf('$', pos);
      const stop = dollar < 0 ? src.length : dollar;
      text += src.slice(pos, stop);
      pos = stop;
      if (src.startsWith('$$', pos)) {
        text += '$';
        pos += 2;
      } else if (pos < src.length && !opens(pos)) {
        text += '$';
        pos++;
      }
    }
    parts.push(text);
  }
  return parts;
}
