import { describe, expect, it } from 'vitest';
import { compileDateTimePattern } from '../../src/checks/dateTimePattern.ts';

// Which texts a pattern accepts is judged by Pact's reference engine itself in the agreement
// corpus (test/checks/agreement); here, what the compiler refuses and a few readings.
describe('date/time patterns as Pact reads them', () => {
  it('refuses, naming it, what the reference cannot read or the harness cannot check', () => {
    expect(compileDateTimePattern("yyyy-'T")).toEqual({ problem: `unclosed quote in date/time pattern "yyyy-'T"` });
    expect(compileDateTimePattern('yyyy-bb')).toEqual({ problem: 'date/time pattern "yyyy-bb" has "b", which Pact\'s patterns do not know' });
    expect(compileDateTimePattern('yyyy-MM-dd1')).toHaveProperty('problem');
    expect(compileDateTimePattern('ddd')).toEqual({ problem: 'too many pattern letters "ddd" in date/time pattern "ddd" (at most 2)' });
    expect(compileDateTimePattern('HH:mm zzzzz')).toEqual({ problem: 'too many pattern letters "zzzzz" in date/time pattern "HH:mm zzzzz" (at most 4)' });
    expect(compileDateTimePattern('VVV')).toHaveProperty('problem');
    expect(compileDateTimePattern('yyyyy')).toHaveProperty('problem');
    for (const pattern of ['DDD', 'SSSSSSSSS', 'MMMMM', 'yyyy', "''", "'o''clock' h a", 'EEEE, d MMMM yyyy', 'yyyy-MM-dd HH:mm:ss.SSSXXX', 'OOOO', 'QQQQ']) {
      expect(typeof compileDateTimePattern(pattern), pattern).toBe('function');
    }
  });

  it('reads zone abbreviations (3 or 4 capitals, no going back) and ids from the tables the reference carries', () => {
    const name = compileDateTimePattern('HH:mm z') as (text: string) => boolean;
    expect(['10:00 EST', '10:00 CEST', '10:00 IST'].map(name)).toEqual([true, true, true]);
    expect(['10:00 UTC', '10:00 ESTX', '10:00 est', '10:00 XYZ'].map(name)).toEqual([false, false, false, false]);
    expect((compileDateTimePattern('HH:mm zzzz') as (text: string) => boolean)('10:00 EST')).toBe(false);
    const id = compileDateTimePattern('HH:mm VV') as (text: string) => boolean;
    expect(['10:00 Europe/London', '10:00 Asia/Kolkata'].map(id)).toEqual([true, true]);
    expect(['10:00 America/New_York', '10:00 Foo/Bar', '10:00 UTC'].map(id)).toEqual([false, false, false]);
  });

  it("reads fields greedily from one digit to the letters' count, then checks ranges and the calendar", () => {
    const check = compileDateTimePattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'") as (text: string) => boolean;
    expect(['2018-10-04T12:41:27.980Z', '2018-1-4T2:4:7.9Z', '2020-02-29T00:00:60.000Z'].map(check)).toEqual([true, true, true]);
    expect(
      ['2018-02-30T12:41:27.980Z', '2019-02-29T00:00:00.000Z', '12018-10-04T12:41:27.980Z', '2018-10-04T24:00:00.000Z', '2018-10-04T12:41:27.9800Z'].map(check),
    ).toEqual([false, false, false, false, false]);
    const quoted = compileDateTimePattern("h 'o''clock' a") as (text: string) => boolean;
    expect([quoted("9 o'clock PM"), quoted("13 o'clock pm")]).toEqual([true, false]);
  });
});
