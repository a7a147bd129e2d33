import { describe, expect, it } from 'vitest';
import { translateOnigRegex } from '../../src/checks/onigRegex.ts';

/** Whether the translated expression matches all of `text`, as the reference's whole-value match. */
const wholeMatch = (pattern: string, text: string) => {
  const translated = translateOnigRegex(pattern);
  if ('problem' in translated) throw new Error(translated.problem);
  return new RegExp(`^(?:${translated.source})$`, translated.flags).test(text);
};

describe('Oniguruma expressions read as the reference reads them', () => {
  it('reads ^ and $ as line anchors and . as anything but a newline', () => {
    expect(wholeMatch('x\\n^b', 'x\nb')).toBe(true);
    expect(wholeMatch('ab$', 'ab\n')).toBe(false);
    expect(wholeMatch('a$\\rb', 'a\rb')).toBe(false);
    expect(wholeMatch('a.b', 'a\rb')).toBe(true);
    expect(wholeMatch('a.b', 'a\nb')).toBe(false);
    expect(wholeMatch('(?m)a.b', 'a\nb')).toBe(true);
  });

  it('gives \\d \\w \\s and \\b their Unicode meaning, and \\h its hex one', () => {
    expect(wholeMatch('\\d+', '١٢٣')).toBe(true);
    expect(wholeMatch('\\w+', 'é_١')).toBe(true);
    expect(wholeMatch('\\s', '\u0085')).toBe(true);
    expect(wholeMatch('\\s', '\ufeff')).toBe(false);
    expect(wholeMatch('.*\\bé', 'a é')).toBe(true);
    expect(wholeMatch('\\h+', 'aF0')).toBe(true);
    expect(wholeMatch('\\h+', 'g')).toBe(false);
  });

  it('scopes (?i) to its group and (?i:...) to its content', () => {
    expect(wholeMatch('(a(?i)b)c', 'aBc')).toBe(true);
    expect(wholeMatch('(a(?i)b)c', 'aBC')).toBe(false);
    expect(wholeMatch('x(?i:[a-c]+)', 'xAbC')).toBe(true);
    expect(wholeMatch('(?i:a(?-i)b)', 'AB')).toBe(false);
    expect(translateOnigRegex('(?i)abc')).toEqual({ source: 'abc', flags: 'iu' });
  });

  it('reads POSIX brackets, braces that are not quantifiers, octal and \\x{...} escapes, and (?x)', () => {
    expect(wholeMatch('[[:alpha:]]+', 'éa')).toBe(true);
    expect(wholeMatch('[[:^digit:]]+', 'a1')).toBe(false);
    expect(wholeMatch('a{,2}', 'aa')).toBe(true);
    expect(wholeMatch('a{x}', 'a{x}')).toBe(true);
    expect(wholeMatch('\\101\\x{42}', 'AB')).toBe(true);
    expect(wholeMatch('(?x) a b # comment', 'ab')).toBe(true);
    expect(wholeMatch('[]a]+', ']a')).toBe(true);
  });

  it('refuses, naming it, what Oniguruma rejects or JavaScript cannot read exactly', () => {
    for (const [pattern, why] of [
      ['(?P<x>a)', /group/],
      ['a++', /possessive/],
      ['(?>a)', /atomic/],
      ['[a-z&&[^a]]', /&&/],
      ['\\X', /\\X/],
      ['\\pL', /without \{name\}/],
      ['(?i)ß', /folds to several/],
      ['\\1(a)', /does not come before/],
    ] as const) {
      const translated = translateOnigRegex(pattern);
      expect('problem' in translated && translated.problem, pattern).toMatch(why);
    }
  });
});
