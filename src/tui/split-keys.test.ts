import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitKeys, type Key, type KeyName } from './split-keys.js';

const esc = '\u001b';
/** A key as the tables write it: its name, and `:text` for a character or a paste. */
const shown = (keys: Key[]) => keys.map((k) => (k.text === '' ? k.name : `${k.name}:${k.text}`));

describe('splitKeys', () => {
  it.each<[string, string, string[]]>([
    [
      'a name and Enter',
      '/default\r',
      ['char:/', 'char:d', 'char:e', 'char:f', 'char:a', 'char:u', 'char:l', 'char:t', 'enter'],
    ],
    ['Enter as a line feed, Tab', '\n\t', ['enter', 'tab']],
    ['Esc then a character is Escape, then the character', '\u001b/', ['escape', 'char:/']],
    ['a lone Esc at the end of a read is Escape', 'x\u001b', ['char:x', 'escape']],
    ['two Escs', '\u001b\u001b', ['escape', 'escape']],
    ['Esc before a sequence', '\u001b\u001b[A', ['escape', 'up']],
    ['arrows, CSI and SS3', '\u001b[A\u001b[B\u001b[C\u001b[D', ['up', 'down', 'right', 'left']],
    [
      'arrows in application mode',
      '\u001bOA\u001bOB\u001bOC\u001bOD',
      ['up', 'down', 'right', 'left'],
    ],
    ['PgUp PgDn', '\u001b[5~\u001b[6~', ['pageUp', 'pageDown']],
    [
      'Home End, xterm, SS3 and rxvt forms',
      '\u001b[H\u001b[F\u001bOH\u001bOF\u001b[1~\u001b[4~\u001b[7~\u001b[8~',
      ['home', 'end', 'home', 'end', 'home', 'end', 'home', 'end'],
    ],
    ['Backspace as DEL and BS, Delete', '\u007f\b\u001b[3~', ['backspace', 'backspace', 'delete']],
    ['Ctrl-C among characters', 'a\u0003b', ['char:a', 'ctrlC', 'char:b']],
    ['held Backspace', '\u007f\u007f\u007f', ['backspace', 'backspace', 'backspace']],
    ['other control characters', '\u0001\u0000', ['other', 'other']],
    ['a modified arrow names no key here', '\u001b[1;5Aj', ['other', 'char:j']],
    ['a focus report names no key', '\u001b[I\u001b[O', ['other', 'other']],
    ['a Linux console function key', '\u001b[[Aj', ['other', 'char:j']],
    ['ESC [ then a control character is no sequence', '\u001b[\r', ['escape', 'char:[', 'enter']],
    ['characters beyond ASCII, one per code point', 'é😀', ['char:é', 'char:😀']],
    [
      'a bracketed paste is one key, its text as pasted',
      'j\u001b[200~q\r\u001b[A\u001b[201~k',
      ['char:j', 'paste:q\r\u001b[A', 'char:k'],
    ],
    ['an empty paste', '\u001b[200~\u001b[201~', ['paste']],
    ['a paste end without a start names no key', '\u001b[201~', ['other']],
  ])('%s: %j', (_name, input, expected) => {
    const { keys, rest } = splitKeys(input);
    expect(shown(keys)).toEqual(expected);
    expect(rest).toBe('');
  });

  it.each<[string, string, string[], string]>([
    ['ESC [ waits for the rest of the sequence', 'j\u001b[', ['char:j'], '\u001b['],
    ['so does ESC [ 5', '\u001b[5', [], '\u001b[5'],
    ['so does ESC O', '\u001bO', [], '\u001bO'],
    [
      'a paste waits for its end',
      'j\u001b[200~abc\u001b[201',
      ['char:j'],
      '\u001b[200~abc\u001b[201',
    ],
  ])('%s', (_name, input, expected, rest) => {
    const split = splitKeys(input);
    expect(shown(split.keys)).toEqual(expected);
    expect(split.rest).toBe(rest);
  });

  it.each<[string, string, string[], string]>([
    [
      'an unfinished sequence is Escape and its characters',
      '\u001b[5',
      ['escape', 'char:[', 'char:5'],
      '',
    ],
    ['an unfinished paste still waits for its end', '\u001b[200~ab', [], '\u001b[200~ab'],
  ])('when no more input comes, %s', (_name, input, expected, rest) => {
    const split = splitKeys(input, { final: true });
    expect(shown(split.keys)).toEqual(expected);
    expect(split.rest).toBe(rest);
  });

  it('reads a rest again in front of the next read', () => {
    const first = splitKeys('j\u001b[');
    expect(shown(splitKeys(`${first.rest}6~`).keys)).toEqual(['pageDown']);
  });
});

/** Keys as a terminal sends them, each with the name it must be read as. */
const oneKey: fc.Arbitrary<{ sequence: string; name: KeyName; text: string }> = fc.oneof(
  fc
    .oneof(
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    )
    .filter((c) => !/\p{Cc}/u.test(c))
    .map((c) => ({ sequence: c, name: 'char' as const, text: c })),
  fc
    .constantFrom<[string, KeyName]>(
      ['\r', 'enter'],
      ['\n', 'enter'],
      ['\t', 'tab'],
      ['\u007f', 'backspace'],
      ['\b', 'backspace'],
      ['\u0003', 'ctrlC'],
      [esc, 'escape'],
      ['\u001b[A', 'up'],
      ['\u001b[B', 'down'],
      ['\u001bOA', 'up'],
      ['\u001bOB', 'down'],
      ['\u001b[C', 'right'],
      ['\u001b[D', 'left'],
      ['\u001b[5~', 'pageUp'],
      ['\u001b[6~', 'pageDown'],
      ['\u001b[H', 'home'],
      ['\u001b[F', 'end'],
      ['\u001b[3~', 'delete'],
    )
    .map(([sequence, name]) => ({ sequence, name, text: '' })),
  fc
    .string({ unit: 'binary' })
    .filter((t) => !t.includes('\u001b[201~'))
    .map((t) => ({ sequence: `\u001b[200~${t}\u001b[201~`, name: 'paste' as const, text: t })),
);

/** Esc typed just before `[` or `O` is read as a sequence by every terminal program. */
const unambiguous = (keys: { sequence: string }[]) =>
  keys.every((k, i) => k.sequence !== esc || !/^[[O]/.test(keys[i + 1]?.sequence ?? ''));

const keySequences = fc.array(oneKey, { maxLength: 30 }).filter(unambiguous);

describe('splitKeys properties', () => {
  it('splitting keys sent together gives back the same keys', () => {
    fc.assert(
      fc.property(keySequences, (keys) => {
        const split = splitKeys(keys.map((k) => k.sequence).join(''));
        expect(split.rest).toBe('');
        expect(split.keys).toEqual(keys);
      }),
    );
  });

  it('where a read ends changes nothing, unless right after an ESC', () => {
    fc.assert(
      fc.property(keySequences, fc.nat(), (keys, at) => {
        const input = keys.map((k) => k.sequence).join('');
        const cut = input.length === 0 ? 0 : at % (input.length + 1);
        // a read never ends inside a code point (stdin decodes UTF-8), nor after an ESC on purpose
        fc.pre(input[cut - 1] !== esc && !/[\uDC00-\uDFFF]/.test(input[cut] ?? ''));
        const first = splitKeys(input.slice(0, cut));
        const second = splitKeys(first.rest + input.slice(cut));
        expect([...first.keys, ...second.keys]).toEqual(keys);
      }),
    );
  });

  it('loses no byte of any input: the keys and the rest give it back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (input, final) => {
        const split = splitKeys(input, { final });
        expect(split.keys.map((k) => k.sequence).join('') + split.rest).toBe(input);
        if (final && split.rest !== '') expect(split.rest.startsWith('\u001b[200~')).toBe(true);
      }),
    );
  });
});
