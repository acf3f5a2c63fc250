/**
 * Terminal input as keys. One read from a terminal holds every key that arrived since the last
 * read: a paste, fast typing, `tmux send-keys '/' 'default' Enter` all deliver several keys at
 * once. Ink's useInput hands a read over as one key when it holds no escape (`default\r` would
 * be typed into the filter, Enter and all) and reads ESC + a character as Alt+character (`\x1b/`
 * would be `/`), so the TUI splits each read here before the keymap sees it.
 */

/** The keys the TUI tells apart; `other` is a control character or sequence it has no use for. */
export type KeyName =
  | 'char'
  | 'paste'
  | 'enter'
  | 'tab'
  | 'backspace'
  | 'delete'
  | 'escape'
  | 'ctrlC'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'other';

export interface Key {
  name: KeyName;
  /** The character typed (`char`), the text pasted without its markers (`paste`), else ''. */
  text: string;
  /** The bytes it came from: the sequences of a read's keys, joined, give the read back. */
  sequence: string;
}

const esc = '\u001b';
/** Bracketed paste (xterm's mode 2004, which run.tsx turns on): the terminal marks a paste. */
const pasteStart = '\u001b[200~';
const pasteEnd = '\u001b[201~';

const controls: Record<string, KeyName> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\u007f': 'backspace',
  '\b': 'backspace',
  '\u0003': 'ctrlC',
};

/** The sequences after ESC that name a key: xterm's CSI (`[`) and SS3 (`O`) forms, rxvt's too. */
const sequences: Record<string, KeyName> = {
  '[A': 'up',
  OA: 'up',
  '[B': 'down',
  OB: 'down',
  '[C': 'right',
  OC: 'right',
  '[D': 'left',
  OD: 'left',
  '[5~': 'pageUp',
  '[6~': 'pageDown',
  '[H': 'home',
  OH: 'home',
  '[1~': 'home',
  '[7~': 'home',
  '[F': 'end',
  OF: 'end',
  '[4~': 'end',
  '[8~': 'end',
  '[3~': 'delete',
};

const isFinal = (c: string | undefined) => c !== undefined && c >= '@' && c <= '~';
const isControl = (cp: number) => cp < 0x20 || (cp >= 0x7f && cp < 0xa0);

/**
 * The length of the escape sequence at `at` (an ESC): 1 for an Escape on its own, `undefined`
 * when the input ends inside one (`\x1b[`, `\x1b[5`, `\x1bO`) and the rest may be in the next read.
 */
function sequenceLength(input: string, at: number): number | undefined {
  const kind = input[at + 1];
  if (kind === '[') {
    // legacy Linux console function keys: ESC [ [ A
    const first = input[at + 2] === '[' ? at + 3 : at + 2;
    for (let i = first; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (first === at + 3 || isFinal(input[i])) return i - at + 1;
      // parameter and intermediate bytes (ECMA-48 5.4); anything else: no sequence after all
      if (c < 0x20 || c > 0x3f) return 1;
    }
    return undefined;
  }
  if (kind === 'O') {
    if (at + 2 >= input.length) return undefined;
    return isFinal(input[at + 2]) ? 3 : 1;
  }
  // a lone ESC at the end of a read is Escape (terminals send it alone); ESC + a character is
  // Escape, then the character (so `\x1b/` closes what is open, then opens the filter)
  return 1;
}

/**
 * The keys of `input`, in order, and the `rest`: an escape sequence or a bracketed paste the input
 * ends inside, to be read again in front of the next read. With `final` (no more input is
 * coming), an unfinished escape sequence is read as the keys it holds (Escape, then its
 * characters); an unfinished paste stays the rest, since its end marker always follows.
 */
export function splitKeys(
  input: string,
  o: { final?: boolean } = {},
): { keys: Key[]; rest: string } {
  const keys: Key[] = [];
  let at = 0;
  while (at < input.length) {
    if (input.startsWith(pasteStart, at)) {
      const end = input.indexOf(pasteEnd, at + pasteStart.length);
      if (end === -1) return { keys, rest: input.slice(at) };
      const sequence = input.slice(at, end + pasteEnd.length);
      keys.push({ name: 'paste', text: input.slice(at + pasteStart.length, end), sequence });
      at += sequence.length;
      continue;
    }
    if (input[at] === esc) {
      const length = sequenceLength(input, at) ?? (o.final ? 1 : undefined);
      if (length === undefined) return { keys, rest: input.slice(at) };
      const sequence = input.slice(at, at + length);
      const name = length === 1 ? 'escape' : (sequences[sequence.slice(1)] ?? 'other');
      keys.push({ name, text: '', sequence });
      at += length;
      continue;
    }
    const cp = input.codePointAt(at) ?? 0;
    const sequence = String.fromCodePoint(cp);
    const name = controls[sequence] ?? (isControl(cp) ? 'other' : 'char');
    keys.push({ name, text: name === 'char' ? sequence : '', sequence });
    at += sequence.length;
  }
  return { keys, rest: '' };
}
