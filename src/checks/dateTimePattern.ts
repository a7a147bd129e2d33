/**
 * Date and time patterns as Pact's reference engine reads them (pact_models' time_utils, a nom
 * parser): the `date`, `time`, `datetime` and `timestamp` matchers carry one, e.g.
 * `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`. Each field takes from one digit up to as many as its letters
 * allow, greedily and without going back; ranges and days of the month are then checked.
 */

import { longOffset, offsetGmt, offsetZ, readNumber } from './dateTimeOffsets.ts';
import { ZONE_ABBREVIATIONS, ZONE_IDS } from './timeZones.ts';

/** One step of a pattern: literal text, or a field read from the value. */
type Token =
  | { kind: 'text'; text: string }
  | { kind: 'digits'; role: 'year' | 'month' | 'day' | 'other'; minDigits: number; maxDigits: number; lower: number; upper: number }
  | { kind: 'read'; read: (text: string, at: number) => number; role: 'month' | 'other'; name: string };

/** Letters the pattern language knows, with the most of each it accepts (the reference fails the pattern beyond). */
const MAX_LETTERS: Record<string, number> = {
  G: 5,
  M: 5,
  L: 5,
  d: 2,
  w: 2,
  W: 2,
  F: 2,
  E: 5,
  a: 1,
  h: 2,
  H: 2,
  k: 2,
  K: 2,
  m: 2,
  s: 2,
  x: 5,
  X: 5,
  Z: 5,
  O: 4,
  q: 2,
  Q: 5,
  e: 5,
  c: 1,
  z: 4,
  V: 2,
};
/** Every pattern letter; a run of one letter is one field. */
const PATTERN_LETTERS = 'GyYuMLDdqQwWFEecahHkKmsSnANxXZOzV';
const TEXT_STOP = /[A-Za-z0-9'{}[\]]/;

const MONTHS_SHORT = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_LONG = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS_SHORT = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAYS_LONG = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** A compiled pattern: whether a text is a date/time in it. */
export type DateTimeCheck = (text: string) => boolean;

/** Compiles a pattern, or names what the harness will not check (the reference fails every value for a pattern it cannot read). */
export function compileDateTimePattern(pattern: string): DateTimeCheck | { problem: string } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < pattern.length) {
    const char = pattern[at]!;
    if (char === "'") {
      const parsed = quoted(pattern, at);
      if (!parsed) return { problem: `unclosed quote in date/time pattern "${pattern}"` };
      tokens.push({ kind: 'text', text: parsed.text });
      at = parsed.end;
      continue;
    }
    if (!PATTERN_LETTERS.includes(char)) {
      if (TEXT_STOP.test(char)) return { problem: `date/time pattern "${pattern}" has "${char}", which Pact's patterns do not know` };
      let end = at;
      while (end < pattern.length && !TEXT_STOP.test(pattern[end]!)) end++;
      tokens.push({ kind: 'text', text: pattern.slice(at, end) });
      at = end;
      continue;
    }
    let count = 1;
    while (pattern[at + count] === char) count++;
    const max = MAX_LETTERS[char];
    if (max !== undefined && count > max)
      return { problem: `too many pattern letters "${char.repeat(count)}" in date/time pattern "${pattern}" (at most ${max})` };
    const token = fieldToken(char, count);
    if ('problem' in token) return { problem: `${token.problem} (in "${pattern}")` };
    tokens.push(token);
    at += count;
  }
  return compileTokens(tokens);
}

function quoted(pattern: string, open: number): { text: string; end: number } | undefined {
  if (pattern[open + 1] === "'") return { text: "'", end: open + 2 };
  let text = '';
  let at = open + 1;
  while (at < pattern.length) {
    if (pattern[at] === "'") {
      if (pattern[at + 1] === "'") {
        text += "'";
        at += 2;
        continue;
      }
      return { text, end: at + 1 };
    }
    text += pattern[at];
    at++;
  }
  return undefined;
}

const digits = (minDigits: number, maxDigits: number, lower: number, upper: number, role: 'year' | 'month' | 'day' | 'other' = 'other'): Token => ({
  kind: 'digits',
  role,
  minDigits,
  maxDigits,
  lower,
  upper,
});

/** The day of the week by name: short (Mon) for up to three letters, else long (Monday). */
const dayName = (count: number): Token => ({ kind: 'read', role: 'other', name: 'day name', read: names(count <= 3 ? DAYS_SHORT : DAYS_LONG) });

function fieldToken(letter: string, count: number): Token | { problem: string } {
  switch (letter) {
    case 'y':
    case 'Y':
    case 'u':
      // The reference reads the year as a 16-bit number: more than four digits could crash it.
      if (count > 4) return { problem: `more than four year letters cannot be checked` };
      return digits(1, count, 0, 10 ** count - 1, 'year');
    case 'M':
      if (count <= 2) return digits(1, 2, 1, 12, 'month');
      return { kind: 'read', role: 'month', name: 'month', read: names(count === 3 ? MONTHS_SHORT : MONTHS_LONG) };
    case 'L':
      return digits(1, 2, 1, 12);
    case 'D':
      return digits(1, 3, 1, 356);
    case 'd':
      return digits(1, 2, 1, 31, 'day');
    case 'q':
      return digits(1, 2, 1, 4);
    case 'Q':
      if (count < 3) return digits(1, 2, 1, 4);
      return {
        kind: 'read',
        role: 'other',
        name: 'quarter',
        read: count === 3 ? names(['q1', 'q2', 'q3', 'q4']) : names(['1st quarter', '2nd quarter', '3rd quarter', '4th quarter']),
      };
    case 'w':
      return digits(1, 2, 1, 56);
    case 'W':
      return digits(1, 2, 1, 5);
    case 'F':
      return digits(1, 2, 0, 4);
    case 'E':
      return dayName(count);
    case 'e':
    case 'c':
      // One or two letters are the day's number; more are its name, as with E.
      return count > 2 ? dayName(count) : digits(1, 1, 1, 7);
    case 'G':
      return { kind: 'read', role: 'other', name: 'era', read: names(['ad', 'bc']) };
    case 'a':
      return { kind: 'read', role: 'other', name: 'am/pm', read: names(['am', 'pm']) };
    case 'h':
      return digits(1, 2, 1, 12);
    case 'H':
      return digits(1, 2, 0, 23);
    case 'k':
      return digits(1, 2, 1, 24);
    case 'K':
      return digits(1, 2, 0, 11);
    case 'm':
      return digits(1, 2, 0, 59);
    case 's':
      return digits(1, 2, 0, 60);
    case 'S':
      return digits(1, count, 0, 10 ** count - 1);
    case 'n':
    case 'A':
    case 'N':
      return digits(1, Number.MAX_SAFE_INTEGER, 0, Number.POSITIVE_INFINITY);
    case 'X':
      return { kind: 'read', role: 'other', name: 'offset', read: (text, at) => (text[at] === 'Z' ? at + 1 : longOffset(text, at, count)) };
    case 'x':
      return { kind: 'read', role: 'other', name: 'offset', read: (text, at) => longOffset(text, at, count) };
    case 'Z':
      return { kind: 'read', role: 'other', name: 'offset', read: (text, at) => offsetZ(text, at, count) };
    case 'O':
      return { kind: 'read', role: 'other', name: 'offset', read: (text, at) => offsetGmt(text, at, count) };
    case 'z':
      // Three letters at most are an abbreviation (EST); four would be a full name, which the reference never accepts.
      return { kind: 'read', role: 'other', name: 'zone name', read: count < 4 ? zoneAbbreviation : () => -1 };
    case 'V':
      return { kind: 'read', role: 'other', name: 'zone id', read: zoneId };
    default:
      return { problem: `the pattern letter "${letter}" cannot be checked` };
  }
}

/** 3 or 4 capital letters, as many as there are (nom's take_while_m_n, no going back), that name a zone the reference knows. */
function zoneAbbreviation(text: string, at: number): number {
  let end = at;
  while (end < text.length && end - at < 4 && /\p{Lu}/u.test(text[end]!)) end++;
  return end - at >= 3 && ZONE_ABBREVIATIONS.has(text.slice(at, end)) ? end : -1;
}

const ZONE_ID = /[A-Za-z0-9]+\/[A-Za-z0-9]+/y;

/** Letters and digits, a slash, letters and digits, that name a zone the reference knows (Europe/London). */
function zoneId(text: string, at: number): number {
  ZONE_ID.lastIndex = at;
  const found = ZONE_ID.exec(text);
  return found && ZONE_IDS.has(found[0]) ? at + found[0].length : -1;
}

/** Case-insensitive alternatives, first match wins (as nom's alt of tag_no_case). */
function names(options: readonly string[]): (text: string, at: number) => number {
  return (text, at) => {
    for (const option of options) if (text.slice(at, at + option.length).toLowerCase() === option) return at + option.length;
    return -1;
  };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(month: number, year: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

function compileTokens(tokens: Token[]): DateTimeCheck {
  const dayIndex = tokens.findIndex((token) => token.kind === 'digits' && token.role === 'day');
  const monthIndex = tokens.findIndex((token) => token.kind !== 'text' && token.role === 'month');
  const yearIndex = tokens.findIndex((token) => token.kind === 'digits' && token.role === 'year');
  // Reused between calls (checks are synchronous): checking a value allocates nothing.
  const values: number[] = tokens.map(() => 0);
  const fast = fixedLayout(tokens);

  const valid = (): boolean => {
    if (dayIndex === -1 || monthIndex === -1) return true;
    const day = values[dayIndex]!;
    const month = values[monthIndex]!;
    // Without a year the reference checks the day against 2001, a common year.
    return day <= daysIn(month, yearIndex === -1 ? 2001 : values[yearIndex]!);
  };

  return (text) => {
    if (fast && text.length === fast.length && readFixed(fast, tokens, text, values)) return valid();
    let at = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind === 'text') {
        if (!text.startsWith(token.text, at)) return false;
        at += token.text.length;
      } else if (token.kind === 'digits') {
        const read = readNumber(text, at, token.minDigits, token.maxDigits, token.lower, token.upper);
        if (!read) return false;
        values[i] = read.value;
        at = read.end;
      } else {
        const end = token.read(text, at);
        if (end === -1) return false;
        if (token.role === 'month') values[i] = monthNumber(text.slice(at, end));
        at = end;
      }
    }
    return at === text.length && valid();
  };
}

function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  const short = MONTHS_SHORT.indexOf(lower);
  return (short === -1 ? MONTHS_LONG.indexOf(lower) : short) + 1;
}

/** Where each field sits when every one has its most digits: a text of exactly that length is read by position. */
function fixedLayout(tokens: Token[]): { length: number; offsets: number[] } | undefined {
  const offsets: number[] = [];
  let length = 0;
  for (const token of tokens) {
    offsets.push(length);
    if (token.kind === 'text') length += token.text.length;
    else if (token.kind === 'digits' && token.maxDigits <= 9) length += token.maxDigits;
    else return undefined;
  }
  return { length, offsets };
}

function readFixed(layout: { offsets: number[] }, tokens: Token[], text: string, values: number[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const at = layout.offsets[i]!;
    if (token.kind === 'text') {
      if (!text.startsWith(token.text, at)) return false;
      continue;
    }
    if (token.kind !== 'digits') return false;
    let value = 0;
    for (let p = at; p < at + token.maxDigits; p++) {
      const digit = text.charCodeAt(p) - 48;
      if (digit < 0 || digit > 9) return false;
      value = value * 10 + digit;
    }
    if (value < token.lower || value > token.upper) return false;
    values[i] = value;
  }
  return true;
}
