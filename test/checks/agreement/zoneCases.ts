// Time-zone names and ids in date/time patterns: every entry of the harness's zone tables, names
// that are not in them, and the shapes the reference reads or refuses (zzzz, greedy capitals).
import { ZONE_ABBREVIATIONS, ZONE_IDS } from '../../../src/checks/timeZones.ts';
import { field, rule } from './agreementCase.ts';
import type { AgreementCase } from './agreementCase.ts';

const PATTERNS: [string, string[]][] = [
  ['HH:mm z', ['10:00 EST', '10:00 UTC', '10:00 GMT', '10:00 ESTX', '10:00 est', '10:00 XYZ', '10:00 AHPT', '10:00 ES', '10:00 ÉST']],
  ['HH:mm zzz', ['10:00 CEST', '10:00 JST']],
  ['HH:mm zzzz', ['10:00 EST', '10:00 Eastern Standard Time']],
  ["HH:mm z'x'", ['10:00 ESTx', '10:00 ESTX']],
  ['HH:mm zX', ['10:00 ESTZ', '10:00 EST+05']],
  ['HH:mm VV', ['10:00 America/New_York', '10:00 Foo/Bar', '10:00 UTC', '10:00 Etc/GMT+5', '10:00 europe/london', '10:00 America/Argentina/Cordoba']],
  ['HH:mm V', ['10:00 Europe/London']],
  ["yyyy-MM-dd'T'HH:mm:ss VV", ['2026-12-05T10:00:00 Asia/Kolkata', '2026-02-30T10:00:00 Asia/Kolkata']],
];

/** The tables entry by entry (each accepted), and the patterns above against texts on both sides of them. */
export function zoneCases(): AgreementCase[] {
  const time = (format: string, text: string) => field(`zone "${format}" "${text}"`, text, rule('time', { format }), JSON.stringify(text));
  const cases = [
    ...[...ZONE_ABBREVIATIONS].map((abbreviation) => time('HH:mm z', `10:00 ${abbreviation}`)),
    ...[...ZONE_IDS].map((id) => time('HH:mm VV', `10:00 ${id}`)),
    ...PATTERNS.flatMap(([format, texts]) => texts.map((text) => time(format, text))),
  ];
  // A text of the patterns above may also be a table entry: one case each.
  return [...new Map(cases.map((testCase) => [testCase.id, testCase])).values()];
}
