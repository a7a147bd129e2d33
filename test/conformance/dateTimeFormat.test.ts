import { describe, expect, it } from 'vitest';
import { compileDateTimeFormat } from '../../src/conformance/dateTimeFormat.ts';

function format(pattern: string): (text: string) => boolean {
  const compiled = compileDateTimeFormat(pattern);
  if (typeof compiled !== 'function') throw new Error(compiled.problem);
  return compiled;
}

describe('Java DateTimeFormatter patterns', () => {
  it.each([
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-10-04T12:41:27.980Z', true],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-10-04T12:41:27.98Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-10-04T12:41:27.980+00:00', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-13-04T12:41:27.980Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2019-02-29T12:41:27.980Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2020-02-29T12:41:27.980Z', true],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '1900-02-29T12:41:27.980Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2000-02-29T12:41:27.980Z', true],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-04-31T12:41:27.980Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-12-31T23:59:59.999Z', true],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-1O-04T12:41:27.980Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-10-04 12:41:27.980Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '20180-10-04T12:41:27.980Z', true],
    ['yyyy-M-d', '2018-2-9', true],
    ['yyyy-M-d', '2018-2-30', false],
    ['yyyy-M-d', '2018-12-31', true],
    ['yyyy-M-d', '2018-0-9', false],
    ['dd MMM yyyy', '31 Apr 2018', false],
    ['dd MMM yyyy', '29 Feb 2024', true],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2018-10-04T24:00:00.000Z', false],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", 'yesterday', false],
    ['yyyy-MM-dd HH:mm:ssXXX', '2026-11-24 10:00:00+05:30', true],
    ['dd MMM yyyy, h:mm a', '04 Oct 2018, 9:41 PM', true],
    ['dd MMM yyyy, h:mm a', '04 Oct 2018, 13:41 PM', false],
  ])('%s accepts %s: %s', (pattern, text, expected) => {
    expect(format(pattern)(text)).toBe(expected);
  });

  it('names what it cannot read', () => {
    expect(compileDateTimeFormat("yyyy-'T")).toEqual({ problem: `unclosed quote in "yyyy-'T"` });
    expect(compileDateTimeFormat('yyyy-QQ')).toEqual({ problem: 'pattern letter "Q" in "yyyy-QQ" is not supported' });
    // java.time refuses these too; DDDD used to throw while building the regex.
    expect(compileDateTimeFormat('yyyy-DDDD')).toEqual({ problem: 'too many pattern letters "DDDD" in "yyyy-DDDD" (at most 3, as in Java)' });
    for (const pattern of ['ddd', 'HHH', 'aa', 'SSSSSSSSSS', 'zzzzz']) expect(compileDateTimeFormat(pattern)).toHaveProperty('problem');
    for (const pattern of ['DDD', 'SSSSSSSSS', 'MMMMM', 'yyyyy', 'uuuuu']) expect(typeof compileDateTimeFormat(pattern)).toBe('function');
  });
});
