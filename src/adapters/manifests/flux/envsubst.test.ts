// Cases come from fluxcd/pkg envsubst's eval_test.go, parse_test.go and funcs_test.go (v1.9.0) and
// kustomize/kustomize_varsub_test.go (v1.44.0); the quirks beyond them were checked against the Go
// code itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidVarName,
  resolveSubstituteVars,
  substitute,
  SubstitutionError,
  substitutionDisabled,
  substitutionRuns,
  type SubstituteOptions,
} from './envsubst.js';

type Vars = Record<string, string>;
const varsOf = (vars: Vars = {}) => new Map(Object.entries(vars));
const run = (text: string, vars: Vars = {}, opts?: SubstituteOptions) =>
  substitute(text, varsOf(vars), opts);

function failure(text: string, vars: Vars = {}, opts?: SubstituteOptions): SubstitutionError {
  try {
    run(text, vars, opts);
  } catch (e) {
    if (e instanceof SubstitutionError) return e;
    throw e;
  }
  throw new Error(`${text} substituted without error`);
}

describe('substituting a resource as kustomize-controller does', () => {
  it.each<[string, string, Vars, string]>([
    ['leaves text without an expression alone', 'abcdEFGH28ij', {}, 'abcdEFGH28ij'],
    ['substitutes ${V}', 'image: ${image}', { image: 'nginx:1.21.4' }, 'image: nginx:1.21.4'],
    ['leaves a bare $V as text: only ${ opens an expression', 'a: $V', { V: 'x' }, 'a: $V'],
    ['writes $${V} as the literal ${V}', '$${var01}', { var01: 'x' }, '${var01}'],
    ['turns every $$ into $, not only before {', 'a$$b', {}, 'a$b'],
    ['reads $$$ as an escaped $ and a lone $', '$$$', {}, '$$'],
    ['substitutes after an escaped $ in $$${V}', '$$${V}', { V: 'v' }, '$v'],
    ['keeps a lone $ at the end', 'cost: 5$', {}, 'cost: 5$'],
    ['keeps backslashes outside expressions', '\\\\.\\pipe ${V}', { V: 'x' }, '\\\\.\\pipe x'],
    [
      "mixes escapes and expressions as envsubst's own test does",
      'some text ${var01}$${var$${var01}$var01${var01}',
      { var01: 'abcdEFGH28ij' },
      'some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij',
    ],
    ['substitutes an undefined variable with the empty string', 'a${MISSING}b', {}, 'ab'],
    ['uses the default of ${V:=d} when V is undefined', '${V:=xyz}', {}, 'xyz'],
    ['uses the default of ${V=d} when V is undefined', '${V=xyz}', {}, 'xyz'],
    ['keeps the value of ${V=d} when V is set', '${V=xyz}', { V: 'abc' }, 'abc'],
    ['uses the default of ${V=d} when V is empty, like ${V:=d}', '${V=d}', { V: '' }, 'd'],
    ['uses the default of ${V:-d} when V is empty', '${V:-d}', { V: '' }, 'd'],
    ['reads ${V:+alt} as a default: the value when V is set', '${V:+alt}', { V: 'x' }, 'x'],
    ['reads ${V:+alt} as a default: alt when V is unset', '${V:+alt}', {}, 'alt'],
    ['reads ${V:?msg} as a default, not an error', '${V:?msg}', {}, 'msg'],
    ['substitutes ${V:=} with nothing', '${V:=}', {}, ''],
    ['nests defaults', '${A:=${B:=x}}', {}, 'x'],
    [
      'takes a default from another variable',
      'a ${var=${default_var}}',
      { default_var: 'foo' },
      'a foo',
    ],
    [
      'joins the text and expressions of a default',
      'foo: ${var=prefix${default_var}-suffix}',
      { default_var: 'foo1' },
      'foo: prefixfoo1-suffix',
    ],
    ['applies an operator inside a default', '${var=${var01^^}}', { var01: 'abcd' }, 'ABCD'],
    ['does not assign: a later ${A} after ${A:=x} is empty', '${A:=x} ${A}', {}, 'x '],
    ['keeps $$ inside a default as it is', '${V:-a$$b}', {}, 'a$$b'],
    ['reads ${V:-3:2} as a default, not a negative offset', '${V:-3:2}', { V: '12345' }, '12345'],
    ['counts ${#V} in bytes', '${#V}', { V: 'é' }, '2'],
    ['counts ${#V} of an undefined variable as 0', '${#V}', {}, '0'],
    ['upper-cases the first letter with ${V^}', '${var01^}', { var01: 'abcdEF' }, 'AbcdEF'],
    ['upper-cases with ${V^^}', '${var01^^}', { var01: 'abcdEFGH28ij' }, 'ABCDEFGH28IJ'],
    ['lower-cases the first letter with ${V,}', '${var01,}', { var01: 'ABCD' }, 'aBCD'],
    ['lower-cases with ${V,,}', '${var01,,}', { var01: 'ABCDEFGH28IJ' }, 'abcdefgh28ij'],
    [
      'maps case rune by rune as Go does: ß stays, ᾳ becomes ᾼ',
      '${V^^}',
      { V: 'straße ᾳ' },
      'STRAßE ᾼ',
    ],
    ["lower-cases İ to i as Go's simple mapping does", '${V,,}', { V: 'İ' }, 'i'],
    ['leaves the value as it is for the mixed operator ${V^,}', '${V^,}', { V: 'abc' }, 'abc'],
    ['takes ${V:offset}', '${p:11}', { p: '/home/bozo/ideas/thoughts' }, 'ideas/thoughts'],
    ['takes ${V:offset:length}', '${p:11:5}', { p: '/home/bozo/ideas/thoughts' }, 'ideas'],
    ['counts a negative offset from the end', '${V:${OFF}:2}', { V: '123456789', OFF: '-3' }, '78'],
    ['counts a negative length back from the end', '${V:2:-1}', { V: 'hello world' }, 'llo worl'],
    [
      'gives nothing when a negative length ends before the offset',
      '${V:8:-8}',
      { V: 'hello world' },
      '',
    ],
    ['gives nothing for an offset past the end', '${V:9:1}', { V: '12345678' }, ''],
    ['takes the rest for a length past the end', '${V:9:50}', { V: '123456789123' }, '123'],
    ['leaves the value whole when the offset is not a number', '${V: -1}', { V: 'abc' }, 'abc'],
    ['reads several colons between offset and length as one', '${V:1::2}', { V: 'abcdef' }, 'bc'],
    ['slices bytes, so a rune cut and rejoined is whole', '${V:0:1}${V:1}', { V: 'é' }, 'é'],
    ['trims the shortest prefix with ${V#pat}', '${f#*.}', { f: 'bash.string.txt' }, 'string.txt'],
    ['trims the longest prefix with ${V##pat}', '${f##*.}', { f: 'bash.string.txt' }, 'txt'],
    ['trims the shortest suffix with ${V%pat}', '${f%.*}', { f: 'bash.string.txt' }, 'bash.string'],
    ['trims the longest suffix with ${V%%pat}', '${f%%.*}', { f: 'bash.string.txt' }, 'bash'],
    ['lets * match a slash', '${f##*/}', { f: '/path/to/file' }, 'file'],
    ['never tries the empty prefix, so ${V#*} drops one character', '${V#*}', { V: 'abc' }, 'bc'],
    ['matches ? and [classes] in a trim pattern', '${V#?[a-c]}', { V: 'xbz' }, 'z'],
    ['leaves the value when the trim pattern is malformed', '${V#[}', { V: '[abc' }, '[abc'],
    ['replaces the first match with ${V/old/new}', '${Z/abc/xyz}', { Z: 'abcABCabc' }, 'xyzABCabc'],
    ['replaces every match with ${V//old/new}', '${Z//abc/xyz}', { Z: 'abcABCabc' }, 'xyzABCxyz'],
    ['replaces a prefix with ${V/#old/new}', '${Z/#abc/XYZ}', { Z: 'abcABCabc' }, 'XYZABCabc'],
    ['replaces a suffix with ${V/%old/new}', '${Z/%abc/XYZ}', { Z: 'abcABCabc' }, 'abcABCXYZ'],
    ['deletes with an empty replacement', '${Z/./}', { Z: 'foo.bar' }, 'foobar'],
    [
      'escapes a slash in a replacement pattern as \\/',
      '${Z//\\//-}',
      { Z: 'foo/bar/baz' },
      'foo-bar-baz',
    ],
    ['replaces literally, not by pattern', '${V/*/x}', { V: 'a*b' }, 'axb'],
    [
      'leaves the value of an anchored replace without replacement',
      '${V/#a/}',
      { V: 'abc' },
      'abc',
    ],
    ['reads a } inside a replace pattern as text', '${X/a}b/c}', { X: 'xa}by' }, 'xcy'],
    ['inserts around every rune when the pattern is empty', '${V//${E}/-}', { V: 'éa' }, '-é-a-'],
  ])('%s', (_, text, vars, want) => {
    expect(run(text, vars).text).toBe(want);
  });

  it('substitutes the Deployment of kustomize-controller varsub test', () => {
    const deployment = [
      'labels:',
      '  environment: ${cluster_env:=dev}',
      '  region: ${cluster_region}',
      'annotations:',
      '  prometheus.io/scrape: ${prometheus_scrape:=false}',
      '  prometheus.io/port: ${prometheus_port}',
      'image: ${image}',
    ].join('\n');
    const { vars } = resolveSubstituteVars([
      {
        values: varsOf({
          prometheus_scrape: '"true"',
          prometheus_port: '"9797"',
          image: 'nginx:1.21.4',
        }),
      },
      { values: varsOf({ cluster_env: 'prod', cluster_region: 'eu-central-1' }) },
    ]);
    expect(substitute(deployment, vars).text).toBe(
      [
        'labels:',
        '  environment: prod',
        '  region: eu-central-1',
        'annotations:',
        '  prometheus.io/scrape: "true"',
        '  prometheus.io/port: "9797"',
        'image: nginx:1.21.4',
      ].join('\n'),
    );
  });
});

describe('text Flux fails the build on', () => {
  it.each([
    ['${V-def}: the default operator needs its colon', '${V-def}', 'missing closing brace'],
    ['${V+alt}: the alternative operator needs its colon', '${V+alt}', 'missing closing brace'],
    ['${ at the end', 'a: ${', 'unable to parse variable name'],
    ['an empty ${}', '${}', 'unable to parse variable name'],
    ['a name that is not a word', '${-X}', 'unable to parse variable name'],
    ['${V without its closing brace', '${V', 'missing closing brace'],
    ['a dot in the name', '${V.x}', 'missing closing brace'],
    ['a space in the name', '${V x}', 'missing closing brace'],
    ['nothing after the substring colon', '${V:}', 'unable to parse substitution within function'],
    ['a substring offset glued to an expression', '${V:1${O}}', 'bad substitution'],
    ['a multi-byte character right after the colon', '${V:é}', 'bad substitution'],
    ['three case operators', '${V^^^}', 'bad substitution'],
    ['an empty trim pattern', '${V#}', 'unable to parse substitution within function'],
    ['an operator after ${#V', '${#V:1}', 'bad substitution'],
    ['a replace without its second slash', '${V/a}', 'bad substitution'],
    ['a default left open', '${V:-abc', 'unable to parse substitution within function'],
  ])('%s', (_, text, reason) => {
    const e = failure(text, { V: 'abc' });
    expect(e.reason).toBe(reason);
    expect(e.message).toContain(text.slice(text.indexOf('${')));
  });

  it('an offset plus length past Go int64, on which envsubst panics', () => {
    expect(failure('${V:1:9223372036854775807}', { V: 'abc' }).reason).toBe(
      'slice bounds out of range',
    );
  });

  it('a substring that cuts a multi-byte character, as the YAML is then not UTF-8', () => {
    const e = failure('a: ${V:0:1}', { V: 'é' });
    expect(e.reason).toBe('invalid UTF-8');
    expect(e.message).toMatch(/^\$\{V:0:1\}: /);
  });
});

describe('strict mode (the StrictPostBuildSubstitutions feature gate)', () => {
  it.each<[string, string, Vars, string]>([
    ['a missing ${V}', 'x: ${missing}', {}, 'missing'],
    ['a missing ${#V}', '${#missing}', {}, 'missing'],
    ['a missing ${V^^}', '${missing^^}', {}, 'missing'],
    ['a missing ${V:0:10}', '${missing:0:10}', {}, 'missing'],
    ['a missing ${V/a/b}', '${missing/a/b}', {}, 'missing'],
    ['a missing ${V%%p}', '${missing%%p}', {}, 'missing'],
    ['a missing variable in the default of a set one', '${A:-${B}}', { A: '1' }, 'B'],
    ['a later ${A} after ${A:=x}', '${A:=x} ${A}', {}, 'A'],
  ])('fails on %s', (_, text, vars, variable) => {
    const e = failure(text, vars, { strict: true });
    expect(e.variable).toBe(variable);
    expect(e.reason).toBe(`variable not set (strict mode): "${variable}"`);
  });

  it.each<[string, string, Vars, string]>([
    ['${V:-d}', '${missing:-fallback}', {}, 'fallback'],
    ['${V:=d}', '${missing:=assigned}', {}, 'assigned'],
    ['${V=d}', '${missing=assigned}', {}, 'assigned'],
    ['${V:?d}', '${missing:?m}', {}, 'm'],
    ['${V:+d}', '${missing:+m}', {}, 'm'],
    ['a variable set to the empty string', '${foo}', { foo: '' }, ''],
  ])('accepts %s', (_, text, vars, want) => {
    expect(run(text, vars, { strict: true }).text).toBe(want);
  });
});

describe('variable names', () => {
  it.each(['A', '_a', 'cluster_env', 'a1', '_'])('accepts %j', (name) => {
    expect(isValidVarName(name)).toBe(true);
  });

  it.each(['1X', 'a-b', 'é', '', 'a.b', 'A\n', 'a b'])('rejects %j', (name) => {
    expect(isValidVarName(name)).toBe(false);
  });

  it('fails on an invalid defined name even when the text does not use it', () => {
    const e = failure('no expressions', { 'app.name': 'x' });
    expect(e.variable).toBe('app.name');
    expect(e.message).toContain('^[_[:alpha:]][_[:alpha:][:digit:]]*$');
  });

  it('fails on an invalid unknown name', () => {
    expect(() => substitute('', new Map(), { unknown: new Set(['a-b']) })).toThrow(
      SubstitutionError,
    );
  });

  it("reads Unicode names in the text (Go's IsLetter), which no variable can define", () => {
    expect(run('${é}', { V: 'x' })).toMatchObject({ text: '', used: ['é'], missing: ['é'] });
  });
});

describe('what a substitution reports', () => {
  it('lists used names in order of first use, a nested name after its expression', () => {
    expect(run('${B} ${A:-${C}} ${B}', { A: '1', B: '2', C: '3' }).used).toEqual(['B', 'A', 'C']);
  });

  it('lists undefined names as missing, and those that took a default as defaulted', () => {
    const result = run('${A} ${B:=1000} ${C:-}', { A: 'a' });
    expect(result).toMatchObject({ missing: ['B', 'C'], defaulted: ['B'] });
  });

  it('counts an empty value that takes a default as defaulted but not missing', () => {
    expect(run('${V:=d}', { V: '' })).toMatchObject({ missing: [], defaulted: ['V'] });
  });

  it('does not count escaped references', () => {
    expect(run('$${X}', { X: 'x' }).used).toEqual([]);
  });

  it.each<[string, string, Vars, string, string[]]>([
    ['takes the default of an unknown variable', '${S:=x}', {}, 'x', ['S']],
    ['substitutes an unknown variable without default with ""', '${S}', {}, '', []],
    ['treats a name both in vars and unknown as unknown', '${S:-d}', { S: 'v' }, 'd', ['S']],
  ])('%s', (_, text, vars, want, defaulted) => {
    const result = run(text, vars, { unknown: new Set(['S']) });
    expect(result).toMatchObject({ text: want, missing: ['S'], defaulted });
  });

  it('does not fail in strict mode on an unknown variable, whose value Flux would read', () => {
    expect(run('${S}', {}, { strict: true, unknown: new Set(['S']) }).missing).toEqual(['S']);
  });
});

describe('which variables and resources Flux substitutes', () => {
  it('lets later sources override earlier ones, postBuild.substitute last', () => {
    const { vars } = resolveSubstituteVars([
      { values: varsOf({ A: 'cm', B: 'cm' }) },
      { values: varsOf({ B: 'secret', C: 'secret' }) },
      { values: varsOf({ C: 'inline' }) },
    ]);
    expect(Object.fromEntries(vars)).toEqual({ A: 'cm', B: 'secret', C: 'inline' });
  });

  it('removes line feeds from every value, and nothing else', () => {
    const { vars } = resolveSubstituteVars([{ values: varsOf({ K: 'ab\ncd\r\n' }) }]);
    expect(vars.get('K')).toBe('abcd\r');
  });

  it('keeps a name unknown until a later source gives it a value, and the reverse', () => {
    const result = resolveSubstituteVars([
      { values: varsOf({ A: 'cm' }), unknown: new Set(['B']) },
      { values: varsOf({ B: 'inline' }), unknown: new Set(['A']) },
    ]);
    expect(Object.fromEntries(result.vars)).toEqual({ B: 'inline' });
    expect([...result.unknown]).toEqual(['A']);
  });

  it.each<[number, string | undefined, boolean]>([
    [0, undefined, false],
    [1, undefined, true],
    [0, 'WithVariables', false],
    [0, 'Always', true],
  ])('with %i variables and substituteStrategy %s, substitutes: %s', (count, strategy, runs) => {
    expect(substitutionRuns(count, strategy)).toBe(runs);
  });

  const key = 'kustomize.toolkit.fluxcd.io/substitute';
  it.each<[string, Vars | undefined, Vars | undefined, boolean]>([
    ['the label is disabled', { [key]: 'disabled' }, undefined, true],
    ['the annotation is disabled', {}, { [key]: 'disabled' }, true],
    ['the value is Disabled (case matters)', { [key]: 'Disabled' }, { [key]: 'enabled' }, false],
    ['neither is set', undefined, undefined, false],
  ])('skips a resource when %s: %s', (_, labels, annotations, disabled) => {
    expect(substitutionDisabled(labels, annotations)).toBe(disabled);
  });
});

describe('substitution invariants', () => {
  const name = fc.stringMatching(/^[_A-Za-z][_A-Za-z0-9]{0,8}$/);
  const vars = fc.dictionary(name, fc.string({ unit: 'grapheme' }), { maxKeys: 4 });

  it('leaves text without $ unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), vars, (text, v) => {
        const plain = text.replaceAll('$', '');
        expect(run(plain, v).text).toBe(plain);
      }),
    );
  });

  it('changes text without ${ only by turning each $$ into $', () => {
    const text = fc.string({ unit: fc.constantFrom('$', '$', 'a', '}', ':', '\\', 'é') });
    fc.assert(
      fc.property(text, vars, (t, v) => {
        expect(run(t, v).text).toBe(t.replaceAll('$$', '$'));
      }),
    );
  });

  it('writes $${NAME} as ${NAME} whatever the variables', () => {
    fc.assert(
      fc.property(name, vars, (n, v) => {
        expect(run(`$\${${n}}`, v).text).toBe(`\${${n}}`);
      }),
    );
  });

  it('puts a defined value in verbatim, and ${#V} is its UTF-8 length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const bytes = new TextEncoder().encode(value).length;
        expect(run('${V}|${#V}', { V: value }).text).toBe(`${value}|${bytes}`);
      }),
    );
  });

  it('takes ${V:offset:length} of an ASCII value as String.slice does', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(20), fc.nat(20), (value, offset, length) => {
        const text = `\${V:${offset}:${length}}`;
        expect(run(text, { V: value }).text).toBe(value.slice(offset, offset + length));
      }),
    );
  });

  it('is a fixed point once values without $ are in', () => {
    const piece = fc.constantFrom('${A}', '${B:-x}', '${C^^}', '${#A}', 'text ', ': ', '\n');
    const value = fc.string().map((s) => s.replaceAll('$', ''));
    fc.assert(
      fc.property(fc.array(piece), value, value, (pieces, a, b) => {
        const once = run(pieces.join(''), { A: a, B: b }).text;
        expect(run(once, { A: a, B: b }).text).toBe(once);
      }),
    );
  });

  it('either substitutes or throws SubstitutionError, and reports only used names', () => {
    const ch = fc.constantFrom(
      '$',
      '{',
      '}',
      ':',
      '-',
      '=',
      '#',
      '%',
      '/',
      '^',
      ',',
      'A',
      'B',
      '1',
    );
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 16 }), (chars) => {
        let result;
        try {
          result = run(chars.join(''), { A: 'abc' });
        } catch (e) {
          expect(e).toBeInstanceOf(SubstitutionError);
          return;
        }
        expect(new Set(result.used).size).toBe(result.used.length);
        expect(result.used).toEqual(
          expect.arrayContaining([...result.missing, ...result.defaulted]),
        );
      }),
    );
  });
});
